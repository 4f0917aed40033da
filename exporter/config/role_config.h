#pragma once

// `role:` of the config (docs/configuration.md): where the node learns
// whether it is MASTER. The role monitor (exporter/role_monitor.h) builds
// its source from it.

#include <chrono>
#include <string>

#include "exporter/base/duration.h"
#include "exporter/base/role.h"
#include "exporter/platform/keepalived_role_source.h"
#include "exporter/yaml/config_reader.h"

namespace ipv6ha {

// Where source keepalived records the states it read (RuntimeDirectory of
// the systemd unit, kept across restarts).
inline constexpr char kDefaultKeepalivedRecordFile[] =
    "/run/ipv6_ha_exporter/keepalived.states";

struct RoleConfig {
  std::string source = "static";  // carp | keepalived | vip | static
  std::string vip;                // source vip: the virtual address
  Role static_role = Role::kMaster;
  KeepalivedRoleConfig keepalived;  // source keepalived
  Duration poll_interval{std::chrono::milliseconds(500)};
};

// Reads the `role:` section into `role` (defaults kept for absent keys);
// errors are recorded in `r`, each with its line and column.
void ParseRoleConfig(ConfigReader& r, RoleConfig& role);

}  // namespace ipv6ha
