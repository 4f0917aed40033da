// The configuration defaults of FreeBSD and OPNsense (base system layout,
// packages under /usr/local).
#include "exporter/config.h"

namespace ipv6ha {

// Where the rc script creates the directory and OPNsense's CARP service
// status script looks.
const char kDefaultStatusFile[] = "/var/run/ipv6_ha_exporter/status.json";

const CommandPaths& DefaultCommandPaths() {
  static const CommandPaths kDefaults = {
      {"ifconfig", "/sbin/ifconfig"},
      {"pfctl", "/sbin/pfctl"},
      {"nft", "/usr/sbin/nft"},
      {"sysctl", "/sbin/sysctl"},
      {"ip", "/sbin/ip"},
      {"pgrep", "/bin/pgrep"},
      {"configctl", "/usr/local/sbin/configctl"}};
  return kDefaults;
}

}  // namespace ipv6ha
