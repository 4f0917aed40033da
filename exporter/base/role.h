#pragma once

// The node's HA role as read from CARP, keepalived, a virtual address or
// config. kFault is keepalived's FAULT (an interface or tracker down): the
// node holds no virtual address and cannot become MASTER until it clears.
// Checks and the controller treat it as a BACKUP that cannot take over
// (ExpectationRole below; docs/keepalived.md).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "exporter/base/name_table.h"

namespace ipv6ha {

enum class Role { kMaster, kBackup, kInit, kFault, kUnknown };

inline constexpr auto kRoleNames =
    MakeNameTable<Role>({{Role::kMaster, "master"},
                         {Role::kBackup, "backup"},
                         {Role::kInit, "init"},
                         {Role::kFault, "fault"},
                         {Role::kUnknown, "unknown"}});
inline constexpr auto kAllRoles = kRoleNames.Values();

constexpr std::string_view RoleName(Role role) { return kRoleNames.Name(role); }

// The role as read now, with the number of changes between two known roles
// (master, backup, init) so far: a reader that samples now and then still
// counts every flip (the demotion controller's flap guard).
struct RoleSample {
  Role role = Role::kUnknown;
  std::uint64_t changes = 0;
};

// The role whose expectations a check applies: a node in FAULT holds no
// virtual address, so what is expected of a BACKUP is expected of it (no
// NPTv6 rules, services stopped, upstream evaluated by backup_policy).
constexpr Role ExpectationRole(Role role) {
  return role == Role::kFault ? Role::kBackup : role;
}

inline std::optional<Role> ParseRole(std::string_view text) {
  return kRoleNames.Parse(text);
}

}  // namespace ipv6ha
