#include "exporter/demotion/demotion_controller.h"

#include <algorithm>

namespace ipv6ha {
namespace {

std::int64_t ToMs(ControllerTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             t.time_since_epoch())
      .count();
}

ControllerTime FromMs(std::int64_t ms) {
  return ControllerTime{} + std::chrono::milliseconds(ms);
}

bool Known(Role r) { return r != Role::kUnknown; }

}  // namespace

ControllerParams ControllerParams::From(const DemotionConfig& c,
                                        std::string peer_name) {
  ControllerParams p;
  p.fall = c.fall;
  p.rise = c.rise;
  p.hold_down = c.hold_down;
  p.unknown_hold = c.unknown_hold;
  p.max = c.max;
  p.upstream_failover = c.upstream_failover;
  p.flap_changes = c.flap_changes;
  p.flap_window = c.flap_window;
  p.peer_name = std::move(peer_name);
  return p;
}

DemotionController::DemotionController(ControllerParams params,
                                       const std::vector<CheckSettings>& checks)
    : params_(std::move(params)) {
  for (const auto& s : checks) {
    auto [it, inserted] = checks_.try_emplace(s.name);
    if (!inserted) continue;
    it->second.name = s.name;
    it->second.scope = s.scope;
    it->second.weight = s.weight;
    it->second.run = s.interval + s.timeout;
    order_.push_back(s.name);
  }
}

void DemotionController::Restore(const std::vector<RecordedShare>& shares,
                                 const std::vector<std::int64_t>& role_changes,
                                 int applied, ControllerTime now) {
  for (const auto& share : shares) {
    auto it = checks_.find(share.name);
    if (it == checks_.end() || it->second.weight <= 0) continue;
    CheckHealth& c = it->second;
    c.down = c.restored = c.contributing = true;
    c.evidence = Evidence::kRestored;
    c.evidence_at = now;
    // Held as if unknown since the restart (one run of grace for the first
    // result), or since the recorded time when it was held already then. A
    // time after `now` is from an earlier boot.
    const auto since = share.unknown_since_ms ? FromMs(*share.unknown_since_ms)
                                              : ControllerTime::max();
    if (since <= now) {
      c.unknown_since = since;
      // The recorded end, which a restart never moves later.
      const auto longest = since + c.run + params_.unknown_hold;
      c.lease_until = share.lease_until_ms
                          ? std::min(longest, FromMs(*share.lease_until_ms))
                          : since + params_.unknown_hold;
    } else {
      c.unknown_since = now;
      c.lease_until = now + c.run + params_.unknown_hold;
    }
  }
  for (std::int64_t ms : role_changes) {
    const ControllerTime t = FromMs(ms);
    if (t <= now && now - t <= params_.flap_window) role_changes_.push_back(t);
  }
  std::sort(role_changes_.begin(), role_changes_.end());
  last_.desired = std::clamp(applied, 0, params_.max);
}

bool CheckHealth::Held(ControllerTime now) const {
  switch (evidence) {
    case Evidence::kFail:
    case Evidence::kOk:
      return now > evidence_at + run;  // the next result is overdue
    case Evidence::kNone:
      return false;
    case Evidence::kUnknown:
    case Evidence::kNotApplicable:
    case Evidence::kRestored:
      break;
  }
  return true;
}

void DemotionController::Observe(const CheckEvent& e) {
  auto it = checks_.find(e.name);
  if (it == checks_.end()) return;  // not configured (any more)
  CheckHealth& c = it->second;
  const auto fresh_lease = e.at + c.run + params_.unknown_hold;
  if (!e.applicable || e.status == CheckStatus::kUnknown) {
    // Neither toward down nor toward up; the hold runs from the first one.
    const bool fresh = c.evidence == Evidence::kFail ||
                       c.evidence == Evidence::kOk ||
                       c.evidence == Evidence::kNone;
    if (fresh) c.unknown_since = e.at;
    c.evidence = e.applicable ? Evidence::kUnknown : Evidence::kNotApplicable;
    c.lease_until =
        std::min(c.lease_until, c.unknown_since + params_.unknown_hold);
    return;
  }
  c.withdrawn = false;
  if (e.status == CheckStatus::kFail) {
    ++c.consecutive_fail;
    c.consecutive_ok = 0;
    c.recovering = false;
    if (!c.down && c.consecutive_fail >= params_.fall) c.down = true;
    if (c.down) c.restored = false;  // confirmed
    c.evidence = Evidence::kFail;
    c.lease_until = fresh_lease;
  } else {
    ++c.consecutive_ok;
    c.consecutive_fail = 0;
    if (c.down && !c.recovering && c.consecutive_ok >= params_.rise) {
      c.recovering = true;
      c.recovering_since = e.at;
    }
    c.evidence = Evidence::kOk;
    // Recovery does not extend the lease a restart granted.
    c.lease_until =
        c.restored ? std::min(c.lease_until, fresh_lease) : fresh_lease;
  }
  c.evidence_at = e.at;
}

void DemotionController::ObserveRoles(const ControllerSnapshot& s) {
  std::uint64_t changes = 0;
  if (role_changes_seen_ && s.role_changes > *role_changes_seen_) {
    changes = s.role_changes - *role_changes_seen_;
  }
  role_changes_seen_ = s.role_changes;
  // Callers without a change counter: compare with the last known role.
  if (Known(s.role)) {
    if (last_known_role_ && *last_known_role_ != s.role && changes == 0)
      changes = 1;
    last_known_role_ = s.role;
  }
  changes = std::min<std::uint64_t>(changes, params_.flap_changes);
  for (std::uint64_t i = 0; i < changes; ++i) role_changes_.push_back(s.now);
  while (!role_changes_.empty() &&
         s.now - role_changes_.front() > params_.flap_window) {
    role_changes_.pop_front();
  }
}

void DemotionController::Age(CheckHealth& c, ControllerTime now, bool frozen,
                             Decision& d) const {
  if (c.down && now >= c.lease_until) {
    // No fresh evidence within the lease: withdraw and forget the streak.
    if (c.weight > 0) d.expired.push_back(c.name);
    c.down = c.recovering = c.restored = false;
    c.consecutive_fail = c.consecutive_ok = 0;
    c.withdrawn = true;
  }
  // While frozen the contribution holds, so recovery waits too.
  if (c.down && c.recovering && !frozen &&
      now - c.recovering_since >= params_.hold_down) {
    c.down = c.recovering = c.restored = false;
  }
}

void DemotionController::ApplyRule(CheckHealth& c, Role role,
                                   const PeerAssessment& peer,
                                   bool peer_never_heard, Decision& d) const {
  const bool was_contributing = c.contributing;
  c.contributing = false;
  c.suppressed_by.reset();
  if (!c.Leased(d.at)) return;
  const bool master = role == Role::kMaster;
  std::optional<Suppression> why;
  // One branch per row of the decision table (docs/demotion.md): rows that
  // give the same answer stay apart, so each reads as its row.
  // NOLINTBEGIN(bugprone-branch-clone)
  if (c.scope == Scope::kLocal) {
    // On MASTER, demoting only helps if the peer can take over and is
    // better off than we are. On BACKUP (or INIT) the contribution only
    // keeps the pair preferring the peer.
    if (master && !peer.better) why = Suppression::kPeerNotReady;
  } else if (params_.upstream_failover == UpstreamFailover::kAlways) {
    if (master && !peer.ready) why = Suppression::kPeerNotReady;
  } else if (params_.upstream_failover == UpstreamFailover::kNever) {
    why = Suppression::kUpstreamPolicy;
  } else if (master && !peer.ready) {
    why = Suppression::kPeerNotReady;
  } else if (!peer.upstream_ok) {
    why = Suppression::kUpstreamPolicy;
  }
  // NOLINTEND(bugprone-branch-clone)
  // A peer not heard from since this process started is no evidence
  // either way: a share already applied (restored) stays until it is.
  const bool by_policy = c.scope == Scope::kUpstream &&
                         params_.upstream_failover == UpstreamFailover::kNever;
  if (why && !by_policy && peer_never_heard && was_contributing) why.reset();
  if (why) {
    c.suppressed_by = why;
    d.suppressed.insert(*why);
  } else {
    c.contributing = true;
  }
}

Decision DemotionController::Evaluate(const ControllerSnapshot& s) {
  for (const auto& e : s.events) Observe(e);
  ObserveRoles(s);
  Decision d;
  d.at = s.now;
  d.role = s.role;
  d.role_changes_in_window = static_cast<int>(role_changes_.size());
  d.flap_guard_engaged = d.role_changes_in_window >= params_.flap_changes;
  const bool hold = d.flap_guard_engaged || s.role == Role::kUnknown;

  std::set<std::string> upstream_names;
  for (auto& [name, c] : checks_) {
    Age(c, s.now, hold, d);
    if (c.scope == Scope::kUpstream) upstream_names.insert(name);
  }
  d.peer = AssessPeer(s.peer, params_.peer_name, s.now,
                      params_.peer_stale_after, upstream_names);
  int sum = 0, leased = 0;
  for (const auto& name : order_) {
    CheckHealth& c = checks_.at(name);
    if (hold) {
      // Frozen: the gates do not move; what holds is what a lease backs.
      c.suppressed_by.reset();
      c.contributing = c.Leased(s.now);
    } else {
      ApplyRule(c, s.role, d.peer, !s.peer.has_value(), d);
    }
    if (c.contributing) sum += c.weight;
    if (c.Leased(s.now)) leased += c.weight;
    d.checks.push_back(c);
  }
  d.computed = sum;
  d.desired = std::min(sum, params_.max);
  if (sum > params_.max) d.suppressed.insert(Suppression::kCap);
  const int held = last_.desired;
  if (hold) {
    // Never more than before, never more than fresh evidence backs.
    d.desired = std::min({held, leased, params_.max});
    d.suppressed.insert(d.flap_guard_engaged ? Suppression::kFlapGuard
                                             : Suppression::kRoleUnknown);
  }
  d.reason = Reason(d, held);
  last_ = d;
  return d;
}

std::vector<RecordedShare> DemotionController::ContributingShares() const {
  std::vector<RecordedShare> out;
  for (const auto& name : order_) {
    const CheckHealth& c = checks_.at(name);
    if (!c.contributing) continue;
    RecordedShare share{c.name, c.weight, std::nullopt, std::nullopt};
    const bool unfresh = c.evidence == Evidence::kUnknown ||
                         c.evidence == Evidence::kNotApplicable ||
                         c.evidence == Evidence::kRestored;
    if (unfresh) {
      share.unknown_since_ms = ToMs(c.unknown_since);
      share.lease_until_ms = ToMs(c.lease_until);
    }
    out.push_back(std::move(share));
  }
  return out;
}

std::vector<std::int64_t> DemotionController::RoleChangesMs() const {
  std::vector<std::int64_t> out;
  for (auto t : role_changes_) out.push_back(ToMs(t));
  return out;
}

}  // namespace ipv6ha
