#include "exporter/platform/host_name.h"

#include <unistd.h>

#include "exporter/text/utf8.h"

namespace ipv6ha {

std::string ShortHostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "localhost";
  std::string name(buf);
  return RepairUtf8(name.substr(0, name.find('.')));
}

}  // namespace ipv6ha
