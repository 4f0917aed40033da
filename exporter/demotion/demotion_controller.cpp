#include "exporter/demotion/demotion_controller.h"

#include <algorithm>
#include <cctype>

#include "exporter/config/duration.h"

namespace ipv6ha {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string Join(const std::vector<std::string>& parts,
                 const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

}  // namespace

std::string_view SuppressionName(Suppression s) {
  switch (s) {
    case Suppression::kPeerNotReady:
      return "peer_not_ready";
    case Suppression::kUpstreamPolicy:
      return "upstream_policy";
    case Suppression::kFlapGuard:
      return "flap_guard";
    case Suppression::kDryRun:
      return "dry_run";
    case Suppression::kCap:
      return "cap";
    case Suppression::kRoleUnknown:
      break;
  }
  return "role_unknown";
}

ControllerParams ControllerParams::From(const DemotionConfig& c,
                                        std::string peer_name) {
  ControllerParams p;
  p.fall = c.fall;
  p.rise = c.rise;
  p.hold_down = c.hold_down;
  p.max = c.max;
  p.upstream_failover = c.upstream_failover;
  p.flap_changes = c.flap_changes;
  p.flap_window = c.flap_window;
  if (!peer_name.empty()) p.peer_name = std::move(peer_name);
  return p;
}

DemotionController::DemotionController(ControllerParams params)
    : params_(std::move(params)) {}

void DemotionController::Restore(const std::vector<std::string>& down_checks,
                                 int contribution) {
  for (const auto& name : down_checks) {
    auto [it, inserted] = checks_.try_emplace(name);
    if (inserted) {
      it->second.name = name;
      order_.push_back(name);
    }
    it->second.down = true;
    it->second.restored = true;
  }
  last_.desired = std::clamp(contribution, 0, params_.max);
}

void DemotionController::Observe(const CheckInput& in, ControllerTime now) {
  auto [it, inserted] = checks_.try_emplace(in.name);
  CheckHealth& c = it->second;
  if (inserted) order_.push_back(in.name);
  c.name = in.name;
  c.scope = in.scope;
  c.weight = in.weight;
  c.applicable = in.applicable;
  if (in.run <= c.last_run) return;  // already counted
  c.last_run = in.run;
  if (!in.applicable) return;  // not run in this role: hold
  c.last_status = in.status;
  switch (in.status) {
    case CheckStatus::kOk:
      ++c.consecutive_ok;
      c.consecutive_fail = 0;
      if (c.down && !c.recovering && c.consecutive_ok >= params_.rise) {
        c.recovering = true;
        c.recovering_since = now;
      }
      break;
    case CheckStatus::kFail:
      ++c.consecutive_fail;
      c.consecutive_ok = 0;
      c.recovering = false;
      if (!c.down && c.consecutive_fail >= params_.fall) c.down = true;
      if (c.down) c.restored = false;
      break;
    case CheckStatus::kUnknown:
      break;  // never moves toward down, never toward up
  }
}

void DemotionController::ObserveRole(Role role, ControllerTime now) {
  if (role == Role::kUnknown) return;  // an unreadable role is not a flap
  if (last_role_ && *last_role_ != role) role_changes_.push_back(now);
  last_role_ = role;
}

void DemotionController::ApplyRule(CheckHealth& c, Role role,
                                   const PeerAssessment& peer,
                                   Decision& d) const {
  c.contributing = false;
  c.suppressed_by.reset();
  if (!c.down || c.weight <= 0) return;
  const bool master = role == Role::kMaster;
  if (c.scope == Scope::kLocal) {
    // On MASTER, demoting only helps if the peer can take over. On BACKUP
    // (or INIT) the contribution only keeps the pair preferring the peer.
    if (master && !peer.ready) {
      c.suppressed_by = Suppression::kPeerNotReady;
    } else {
      c.contributing = true;
    }
  } else {
    switch (params_.upstream_failover) {
      case UpstreamFailover::kNever:
        c.suppressed_by = Suppression::kUpstreamPolicy;
        break;
      case UpstreamFailover::kAlways:
        if (master && !peer.ready) {
          c.suppressed_by = Suppression::kPeerNotReady;
        } else {
          c.contributing = true;
        }
        break;
      case UpstreamFailover::kPeerConfirmed:
        if (master && !peer.ready) {
          c.suppressed_by = Suppression::kPeerNotReady;
        } else if (!peer.upstream_ok) {
          c.suppressed_by = Suppression::kUpstreamPolicy;
        } else {
          c.contributing = true;
        }
        break;
    }
  }
  if (c.suppressed_by) d.suppressed.insert(*c.suppressed_by);
}

Decision DemotionController::Evaluate(Role role,
                                      const std::optional<PeerSnapshot>& peer,
                                      ControllerTime now) {
  ObserveRole(role, now);
  while (!role_changes_.empty() &&
         now - role_changes_.front() > params_.flap_window) {
    role_changes_.pop_front();
  }
  Decision d;
  d.role = role;
  d.role_changes_in_window = static_cast<int>(role_changes_.size());
  d.flap_guard_engaged = d.role_changes_in_window >= params_.flap_changes;

  std::set<std::string> upstream_names;
  for (auto& [name, c] : checks_) {
    if (c.down && c.recovering &&
        now - c.recovering_since >= params_.hold_down) {
      c.down = c.recovering = c.restored = false;
    }
    if (c.scope == Scope::kUpstream) upstream_names.insert(name);
  }
  d.peer = AssessPeer(peer, params_.peer_name, now, params_.peer_stale_after,
                      upstream_names);
  int sum = 0;
  for (const auto& name : order_) {
    CheckHealth& c = checks_.at(name);
    ApplyRule(c, role, d.peer, d);
    if (c.contributing) sum += c.weight;
    d.checks.push_back(c);
  }
  d.computed = sum;
  d.desired = std::min(sum, params_.max);
  if (sum > params_.max) d.suppressed.insert(Suppression::kCap);
  const int held = last_.desired;
  if (role == Role::kUnknown) {
    d.desired = held;
    d.suppressed.insert(Suppression::kRoleUnknown);
  }
  if (d.flap_guard_engaged) {
    d.desired = held;
    d.suppressed.insert(Suppression::kFlapGuard);
  }
  d.reason = Reason(d, held);
  last_ = d;
  return d;
}

std::vector<std::string> DemotionController::DownChecks() const {
  std::vector<std::string> out;
  for (const auto& name : order_) {
    if (checks_.at(name).down) out.push_back(name);
  }
  return out;
}

std::string DemotionController::Reason(const Decision& d, int held) const {
  const std::string role = Upper(RoleName(d.role));
  auto describe = [&](const CheckHealth& c) {
    std::string s = c.name;
    if (c.consecutive_fail > 0) {
      s += " failed " + std::to_string(c.consecutive_fail) + "x";
    } else if (c.restored) {
      s += " was down before restart";
    } else {
      s += " is down";
    }
    s += " on " + role;
    if (c.recovering) {
      s += " (recovered " + std::to_string(c.consecutive_ok) +
           "x, withdrawn after hold_down " + FormatDuration(params_.hold_down) +
           ")";
    }
    if (!c.applicable) s += " (held: not run in this role)";
    return s;
  };
  if (d.flap_guard_engaged) {
    return "flap guard: " + std::to_string(d.role_changes_in_window) +
           " role changes within " + FormatDuration(params_.flap_window) +
           "; holding " + std::to_string(held) + " (rules say " +
           std::to_string(std::min(d.computed, params_.max)) + ")";
  }
  if (d.role == Role::kUnknown) {
    return "role unknown; holding " + std::to_string(held);
  }
  std::vector<std::string> contributing, suppressed, observe_only;
  for (const auto& c : d.checks) {
    if (c.contributing) {
      std::string s = describe(c);
      if (c.scope == Scope::kUpstream) {
        s += params_.upstream_failover == UpstreamFailover::kAlways
                 ? " (upstream, upstream_failover always)"
                 : " (upstream, " + d.peer.upstream_summary + ")";
      }
      contributing.push_back(s);
    } else if (c.suppressed_by) {
      std::string why;
      if (*c.suppressed_by == Suppression::kPeerNotReady) {
        why = d.peer.summary;
      } else if (params_.upstream_failover == UpstreamFailover::kNever) {
        why = "upstream_failover is never";
      } else {
        why = d.peer.upstream_summary.empty() ? d.peer.summary
                                              : d.peer.upstream_summary;
      }
      suppressed.push_back(describe(c) + " but " + why);
    } else if (c.down) {
      observe_only.push_back(c.name);
    }
  }
  if (d.desired > 0) {
    std::string r = "demoting by " + std::to_string(d.desired) + ": " +
                    Join(contributing, ", ");
    r += d.role == Role::kMaster
             ? ", " + d.peer.summary
             : " (kept on " + role + " so the pair prefers the healthy node)";
    if (d.suppressed.count(Suppression::kCap)) {
      r += "; capped at max " + std::to_string(params_.max) + " (sum " +
           std::to_string(d.computed) + ")";
    }
    if (!suppressed.empty()) r += "; not counted: " + Join(suppressed, ", ");
    return r;
  }
  if (!suppressed.empty()) return "not demoting: " + Join(suppressed, "; ");
  if (!observe_only.empty()) {
    return "not demoting: " + Join(observe_only, ", ") +
           " down but observe only (weight 0)";
  }
  return "not demoting: all weighted checks healthy";
}

}  // namespace ipv6ha
