// The configuration defaults of Linux (Debian layout).
#include "exporter/config.h"

namespace ipv6ha {

// Off: nothing on Linux reads it unless configured.
const char kDefaultStatusFile[] = "";

const CommandPaths& DefaultCommandPaths() {
  static const CommandPaths kDefaults = {
      {"ifconfig", "/sbin/ifconfig"},
      {"pfctl", "/sbin/pfctl"},
      {"nft", "/usr/sbin/nft"},
      {"sysctl", "/sbin/sysctl"},
      {"ip", "/usr/sbin/ip"},
      {"pgrep", "/usr/bin/pgrep"},
      {"configctl", "/usr/local/sbin/configctl"}};
  return kDefaults;
}

}  // namespace ipv6ha
