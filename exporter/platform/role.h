#pragma once

// The node's HA role as read from CARP, VRRP (a virtual address) or config.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ipv6ha {

enum class Role { kMaster, kBackup, kInit, kUnknown };

inline constexpr Role kAllRoles[] = {Role::kMaster, Role::kBackup, Role::kInit,
                                     Role::kUnknown};

constexpr std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kMaster:
      return "master";
    case Role::kBackup:
      return "backup";
    case Role::kInit:
      return "init";
    case Role::kUnknown:
      break;
  }
  return "unknown";
}

// The role as read now, with the number of changes between two known roles
// (master, backup, init) so far: a reader that samples now and then still
// counts every flip (the demotion controller's flap guard).
struct RoleSample {
  Role role = Role::kUnknown;
  std::uint64_t changes = 0;
};

inline std::optional<Role> ParseRole(std::string_view text) {
  for (Role r : kAllRoles) {
    if (RoleName(r) == text) return r;
  }
  return std::nullopt;
}

}  // namespace ipv6ha
