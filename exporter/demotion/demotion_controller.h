#pragma once

// The demotion controller: pure logic from one snapshot (the check results
// published since the last evaluation, the role, the peer view and a time
// point; tests use a fake clock) to the contribution this node should add
// to its CARP/VRRP demotion. It never touches the OS and never reads a
// clock of its own.
//
// Evidence lease: a down check's share counts only while fresh evidence
// backs it. A failure (or, while recovering, a success) is fresh for one
// run (`interval + timeout`); when the check turns unknown or not
// applicable, or its next result is overdue, or it was restored after a
// restart, its share is *held* for at most `unknown_hold`, then withdrawn
// and the check is no longer down. The decision table (docs/demotion.md) is
// implemented in Evaluate().
// Not thread safe: the DemotionService calls it from its controller thread.

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
#include "checks/check_registry.h"
#include "checks/peer_view.h"
#include "exporter/base/name_table.h"
#include "exporter/demotion/demotion_config.h"
#include "exporter/demotion/demotion_state_store.h"
#include "exporter/demotion/peer_assessment.h"

namespace ipv6ha {

using ControllerClock = std::chrono::steady_clock;
using ControllerTime = ControllerClock::time_point;

struct ControllerParams {
  int fall = 3;
  int rise = 5;
  std::chrono::milliseconds hold_down{std::chrono::seconds(30)};
  std::chrono::milliseconds unknown_hold{std::chrono::minutes(5)};
  int max = 240;
  UpstreamFailover upstream_failover = UpstreamFailover::kPeerConfirmed;
  int flap_changes = 4;
  std::chrono::milliseconds flap_window{std::chrono::minutes(10)};
  // peer.name; empty: reasons name the peer by what it reports, else its
  // address.
  std::string peer_name;
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

inline constexpr auto kSuppressionNames = MakeNameTable<Suppression>(
    {{Suppression::kPeerNotReady, "peer_not_ready"},
     {Suppression::kUpstreamPolicy, "upstream_policy"},
     {Suppression::kFlapGuard, "flap_guard"},
     {Suppression::kDryRun, "dry_run"},
     {Suppression::kCap, "cap"},
     {Suppression::kRoleUnknown, "role_unknown"}});
inline constexpr auto kAllSuppressions = kSuppressionNames.Values();

constexpr std::string_view SuppressionName(Suppression s) {
  return kSuppressionNames.Name(s);
}

// One published result as the controller sees it. A check marked not
// applicable in the current role arrives as applicable = false.
struct CheckEvent {
  std::string name;
  CheckStatus status = CheckStatus::kUnknown;
  bool applicable = true;
  ControllerTime at{};
};

// Everything one evaluation looks at, taken once.
struct ControllerSnapshot {
  std::vector<CheckEvent> events;  // published since the last one, in order
  Role role = Role::kUnknown;
  // Changes between two known roles so far (monotonic; its first value is
  // the baseline), for the flap guard.
  std::uint64_t role_changes = 0;
  std::optional<PeerSnapshot> peer;
  ControllerTime now{};
};

// What backs a check's share, by its latest result.
enum class Evidence { kNone, kFail, kOk, kUnknown, kNotApplicable, kRestored };
inline constexpr auto kEvidenceNames =
    MakeNameTable<Evidence>({{Evidence::kNone, "none"},
                             {Evidence::kFail, "fail"},
                             {Evidence::kOk, "ok"},
                             {Evidence::kUnknown, "unknown"},
                             {Evidence::kNotApplicable, "not_applicable"},
                             {Evidence::kRestored, "restored"}});
constexpr std::string_view EvidenceName(Evidence e) {
  return kEvidenceNames.Name(e);
}

// A check's health as tracked by the controller.
struct CheckHealth {
  std::string name;
  Scope scope = Scope::kLocal;
  int weight = 0;
  std::chrono::milliseconds run{0};  // interval + timeout: one run
  Evidence evidence = Evidence::kNone;
  ControllerTime evidence_at{};    // its latest result, or the restart
  ControllerTime unknown_since{};  // start of the run without fresh results
  ControllerTime lease_until{};    // the share is withdrawn at this time
  int consecutive_fail = 0;
  int consecutive_ok = 0;
  bool down = false;        // `fall` failures seen, not recovered or expired
  bool restored = false;    // down from the state file, not yet confirmed
  bool recovering = false;  // `rise` successes seen, hold_down running
  ControllerTime recovering_since{};
  bool withdrawn = false;     // its lease expired (until the next ok/fail)
  bool contributing = false;  // its weight is in `desired`
  std::optional<Suppression> suppressed_by;

  // True while its share lives: down, weighted, lease not expired.
  bool Leased(ControllerTime now) const {
    return down && weight > 0 && now < lease_until;
  }
  // True when no fresh result backs the share (it is held).
  bool Held(ControllerTime now) const;
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
  std::vector<std::string> expired;  // shares withdrawn by this evaluation
  ControllerTime at{};
};

class DemotionController {
 public:
  DemotionController(ControllerParams params,
                     const std::vector<CheckSettings>& checks);

  // After a restart: these shares were contributing, `applied` is in the
  // sink, and these role changes (monotonic ms) happened. Only configured,
  // weighted checks are restored; each must be confirmed by a fresh
  // failure within its lease.
  void Restore(const std::vector<RecordedShare>& shares,
               const std::vector<std::int64_t>& role_changes_ms, int applied,
               ControllerTime now);
  Decision Evaluate(const ControllerSnapshot& snapshot);

  // What must survive a restart: the contributing shares and the role
  // changes in the flap window.
  std::vector<RecordedShare> ContributingShares() const;
  std::vector<std::int64_t> RoleChangesMs() const;
  const Decision& last() const { return last_; }
  const ControllerParams& params() const { return params_; }

 private:
  void Observe(const CheckEvent& event);
  void ObserveRoles(const ControllerSnapshot& s);
  void Age(CheckHealth& c, ControllerTime now, bool frozen, Decision& d) const;
  void ApplyRule(CheckHealth& c, Role role, const PeerAssessment& peer,
                 bool peer_never_heard, Decision& d) const;
  std::string Reason(const Decision& d, int held) const;
  std::string HoldReason(const Decision& d, int held) const;
  std::string Describe(const CheckHealth& c, const Decision& d) const;

  ControllerParams params_;
  std::map<std::string, CheckHealth> checks_;
  std::vector<std::string> order_;
  std::optional<std::uint64_t> role_changes_seen_;
  std::optional<Role> last_known_role_;
  std::deque<ControllerTime> role_changes_;
  Decision last_;
};

}  // namespace ipv6ha
