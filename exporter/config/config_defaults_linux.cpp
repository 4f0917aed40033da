// The configuration defaults of Linux (Debian layout).
#include "exporter/config/config.h"
#include "exporter/config/config_defaults.h"

namespace ipv6ha {

// Off: nothing on Linux reads it unless configured.
const char kDefaultStatusFile[] = "";

CommandPaths PlatformCommandPaths() {
  return {{"ip", "/usr/sbin/ip"}, {"pgrep", "/usr/bin/pgrep"}};
}

}  // namespace ipv6ha
