#pragma once

// Where the node's HA role comes from: CARP (ifconfig), keepalived's notify
// FIFO, a virtual address (keepalived/ucarp), or a fixed value. Read() may
// block for as long as a command timeout; callers serialize it (the
// RoleMonitor does). A source that learns changes by itself (keepalived's
// FIFO) also offers Follow(); the others are polled.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/base/name_table.h"
#include "exporter/base/role.h"

namespace ipv6ha {

enum class CarpState { kMaster, kBackup, kInit, kUnknown };

inline constexpr auto kCarpStateNames =
    MakeNameTable<CarpState>({{CarpState::kMaster, "master"},
                              {CarpState::kBackup, "backup"},
                              {CarpState::kInit, "init"},
                              {CarpState::kUnknown, "unknown"}});
inline constexpr auto kAllCarpStates = kCarpStateNames.Values();

constexpr std::string_view CarpStateName(CarpState s) {
  return kCarpStateNames.Name(s);
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

// One VRRP instance as keepalived last reported it on its notify FIFO.
enum class VrrpState { kMaster, kBackup, kFault, kStop, kUnknown };

// Lower case, for labels and JSON; keepalived writes them upper case.
inline constexpr auto kVrrpStateNames =
    MakeNameTable<VrrpState>({{VrrpState::kMaster, "master"},
                              {VrrpState::kBackup, "backup"},
                              {VrrpState::kFault, "fault"},
                              {VrrpState::kStop, "stop"},
                              {VrrpState::kUnknown, "unknown"}});
inline constexpr auto kAllVrrpStates = kVrrpStateNames.Values();

constexpr std::string_view VrrpStateName(VrrpState s) {
  return kVrrpStateNames.Name(s);
}

struct VrrpInstance {
  std::string name;
  VrrpState state = VrrpState::kUnknown;  // kUnknown: followed, not reported
  int priority = 0;                       // effective priority, 0..255
  // Restored from the record of an earlier run, not read from the FIFO
  // since this process opened it.
  bool restored = false;

  bool operator==(const VrrpInstance&) const = default;
};

struct RoleReading {
  Role role = Role::kUnknown;
  bool mixed = false;           // vhids disagree (some MASTER, some not)
  std::vector<CarpVhid> vhids;  // source carp only
  std::vector<VrrpInstance> instances;  // source keepalived only
  // net.inet.carp.demotion (total of all contributors) where readable.
  std::optional<std::int64_t> carp_demotion;
  std::string carp_demotion_error;  // why not readable ("not FreeBSD")
  std::string
      detail;  // one line for humans ("2 vhids MASTER", "fd00::1 present")
  std::string error;  // non-empty when the role could not be read
};

// Returned by RoleSource::Follow: following stops, and no callback runs any
// more, once it is destroyed.
class RoleFollow {
 public:
  virtual ~RoleFollow() = default;
};

class RoleSource {
 public:
  RoleSource() = default;
  RoleSource(const RoleSource&) = delete;
  RoleSource& operator=(const RoleSource&) = delete;
  virtual ~RoleSource() = default;

  virtual RoleReading Read() = 0;
  // Starts following the role where the source can learn changes the moment
  // they happen; `changed` then runs on the source's own thread after each
  // event it learned (read the role again with Read()), with `transition`
  // true when that was a change of state (not only of a priority). Sources
  // that can only be polled return nullptr.
  using Changed = std::function<void(bool transition)>;
  // By value: a source that follows keeps the callback (moves it in).
  // NOLINTNEXTLINE(performance-unnecessary-value-param)
  virtual std::unique_ptr<RoleFollow> Follow(Changed /*changed*/) {
    return nullptr;
  }
};

}  // namespace ipv6ha
