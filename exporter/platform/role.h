#pragma once

// The node's HA role as read from CARP, VRRP (a virtual address) or config.

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

inline std::optional<Role> ParseRole(std::string_view text) {
  for (Role r : kAllRoles) {
    if (RoleName(r) == text) return r;
  }
  return std::nullopt;
}

}  // namespace ipv6ha
