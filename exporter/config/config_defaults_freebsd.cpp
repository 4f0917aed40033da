// The configuration defaults of FreeBSD and OPNsense (base system layout).
#include "exporter/config/config.h"
#include "exporter/config/config_defaults.h"

namespace ipv6ha {

// Where the rc script creates the directory and OPNsense's CARP service
// status script looks.
const char kDefaultStatusFile[] = "/var/run/ipv6_ha_exporter/status.json";

CommandPaths PlatformCommandPaths() {
  return {{"ip", "/sbin/ip"}, {"pgrep", "/bin/pgrep"}};
}

}  // namespace ipv6ha
