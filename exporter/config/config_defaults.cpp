#include "exporter/config/config_defaults.h"

#include "exporter/config/config.h"

namespace ipv6ha {

const CommandPaths& DefaultCommandPaths() {
  static const CommandPaths kDefaults = [] {
    CommandPaths paths = {{"ifconfig", "/sbin/ifconfig"},
                          {"pfctl", "/sbin/pfctl"},
                          {"nft", "/usr/sbin/nft"},
                          {"sysctl", "/sbin/sysctl"},
                          {"configctl", "/usr/local/sbin/configctl"}};
    for (const auto& [name, path] : PlatformCommandPaths()) paths[name] = path;
    return paths;
  }();
  return kDefaults;
}

}  // namespace ipv6ha
