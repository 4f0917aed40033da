#pragma once

// Where the node's HA role comes from: CARP (ifconfig), a virtual address
// (keepalived/ucarp), or a fixed value. One method; implementations may block
// for as long as their command timeout and are called from one thread at a
// time (the RoleMonitor's).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "exporter/platform/role.h"

namespace ipv6ha {

enum class CarpState { kMaster, kBackup, kInit, kUnknown };

inline constexpr CarpState kAllCarpStates[] = {
    CarpState::kMaster, CarpState::kBackup, CarpState::kInit,
    CarpState::kUnknown};

constexpr std::string_view CarpStateName(CarpState s) {
  switch (s) {
    case CarpState::kMaster:
      return "master";
    case CarpState::kBackup:
      return "backup";
    case CarpState::kInit:
      return "init";
    case CarpState::kUnknown:
      break;
  }
  return "unknown";
}

// One `carp:` line of ifconfig (one vhid on one interface).
struct CarpVhid {
  std::string interface;
  int vhid = 0;
  CarpState state = CarpState::kUnknown;
  int advbase = 0;
  int advskew = 0;
  std::string peer;  // FreeBSD 14: unicast/multicast peer, if shown
  std::string peer6;

  bool operator==(const CarpVhid&) const = default;
};

struct RoleReading {
  Role role = Role::kUnknown;
  bool mixed = false;           // vhids disagree (some MASTER, some not)
  std::vector<CarpVhid> vhids;  // source carp only
  // net.inet.carp.demotion (total of all contributors) where readable.
  std::optional<std::int64_t> carp_demotion;
  std::string carp_demotion_error;  // why not readable ("not FreeBSD")
  std::string
      detail;  // one line for humans ("2 vhids MASTER", "fd00::1 present")
  std::string error;  // non-empty when the role could not be read
};

class RoleSource {
 public:
  RoleSource() = default;
  RoleSource(const RoleSource&) = delete;
  RoleSource& operator=(const RoleSource&) = delete;
  virtual ~RoleSource() = default;

  virtual RoleReading Read() = 0;
};

}  // namespace ipv6ha
