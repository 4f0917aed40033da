#pragma once

// The demotion controller: pure logic from check results, role, peer view
// and a time point (passed in; tests use a fake clock) to the contribution
// this node should add to its CARP/VRRP demotion. It never touches the OS.
//
// Results are counted once per run: Observe() is given each check's run
// counter (CheckRecord::runs) and ignores a run it has already seen, so the
// same result may be offered several times (listener and periodic
// snapshot) without double counting. A check that is not applicable in the
// current role, or whose result is unknown, holds its state.
//
// The decision table (docs/demotion.md) is implemented in Evaluate().
// Not thread safe: the DemotionService serialises calls.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "checks/check.h"
#include "checks/peer_view.h"
#include "exporter/demotion/demotion_config.h"
#include "exporter/demotion/peer_assessment.h"

namespace ipv6ha {

using ControllerClock = std::chrono::steady_clock;
using ControllerTime = ControllerClock::time_point;

struct ControllerParams {
  int fall = 3;
  int rise = 5;
  std::chrono::milliseconds hold_down{std::chrono::seconds(30)};
  int max = 240;
  UpstreamFailover upstream_failover = UpstreamFailover::kPeerConfirmed;
  int flap_changes = 4;
  std::chrono::milliseconds flap_window{std::chrono::minutes(10)};
  std::string peer_name = "peer";
  // A peer status older than this counts as "peer unreachable".
  std::chrono::milliseconds peer_stale_after{std::chrono::seconds(30)};

  static ControllerParams From(const DemotionConfig& config,
                               std::string peer_name);
};

enum class Suppression {
  kPeerNotReady,    // would demote, but there is nowhere better to go
  kUpstreamPolicy,  // upstream failure not confirmed by the peer (policy)
  kFlapGuard,       // too many role changes: contribution frozen
  kDryRun,          // computed, not written
  kCap,             // the sum of weights exceeds `max`
  kRoleUnknown,     // role unreadable: contribution held
};

inline constexpr Suppression kAllSuppressions[] = {
    Suppression::kPeerNotReady, Suppression::kUpstreamPolicy,
    Suppression::kFlapGuard,    Suppression::kDryRun,
    Suppression::kCap,          Suppression::kRoleUnknown};

std::string_view SuppressionName(Suppression s);

// One check result as the controller sees it.
struct CheckInput {
  std::string name;
  Scope scope = Scope::kLocal;
  int weight = 0;
  CheckStatus status = CheckStatus::kUnknown;
  bool applicable = true;
  std::uint64_t run = 0;  // increases with every published result
};

// A check's health as tracked by the controller.
struct CheckHealth {
  std::string name;
  Scope scope = Scope::kLocal;
  int weight = 0;
  bool applicable = true;
  CheckStatus last_status = CheckStatus::kUnknown;
  std::uint64_t last_run = 0;
  int consecutive_fail = 0;
  int consecutive_ok = 0;
  bool down = false;        // `fall` failures seen, not yet recovered
  bool restored = false;    // down because the state file said so
  bool recovering = false;  // `rise` successes seen, hold_down running
  ControllerTime recovering_since{};
  bool contributing = false;  // its weight is in `desired`
  std::optional<Suppression> suppressed_by;
};

struct Decision {
  int desired = 0;   // contribution to apply (after gating, cap, freeze)
  int computed = 0;  // before cap and freeze
  std::string reason;
  std::set<Suppression> suppressed;
  bool flap_guard_engaged = false;
  int role_changes_in_window = 0;
  Role role = Role::kUnknown;
  PeerAssessment peer;
  std::vector<CheckHealth> checks;
};

class DemotionController {
 public:
  explicit DemotionController(ControllerParams params);

  // After a restart: these checks were down and `contribution` was applied.
  void Restore(const std::vector<std::string>& down_checks, int contribution);
  void Observe(const CheckInput& input, ControllerTime now);
  // Records a role change for the flap guard (Evaluate also calls it).
  void ObserveRole(Role role, ControllerTime now);
  Decision Evaluate(Role role, const std::optional<PeerSnapshot>& peer,
                    ControllerTime now);

  std::vector<std::string> DownChecks() const;
  const Decision& last() const { return last_; }
  const ControllerParams& params() const { return params_; }

 private:
  void ApplyRule(CheckHealth& c, Role role, const PeerAssessment& peer,
                 Decision& d) const;
  std::string Reason(const Decision& d, int held) const;

  ControllerParams params_;
  std::map<std::string, CheckHealth> checks_;
  std::vector<std::string> order_;
  std::optional<Role> last_role_;
  std::deque<ControllerTime> role_changes_;
  Decision last_;
};

}  // namespace ipv6ha
