// DemotionController: the one sentence every decision carries (what counts,
// what is held and for how long, what is held back and why).

#include <cctype>

#include "exporter/base/duration.h"
#include "exporter/demotion/demotion_controller.h"
#include "exporter/text/join.h"

namespace ipv6ha {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Whole seconds, as a config duration reads ("40s", "4m20s").
std::string Span(ControllerTime::duration d) {
  if (d < ControllerTime::duration::zero())
    d = ControllerTime::duration::zero();
  return FormatDuration(std::chrono::duration_cast<std::chrono::seconds>(d));
}

// Why an upstream check's share counts: " (upstream, <why>)"; empty for a
// local check.
std::string UpstreamNote(const CheckHealth& c, const Decision& d,
                         UpstreamFailover failover) {
  if (c.scope != Scope::kUpstream) return "";
  return failover == UpstreamFailover::kAlways
             ? " (upstream, upstream_failover always)"
             : " (upstream, " + d.peer.upstream_summary + ")";
}

// Why a down check's share is held back (the part after "but").
std::string SuppressionCause(const CheckHealth& c, const Decision& d,
                             UpstreamFailover failover) {
  if (*c.suppressed_by == Suppression::kPeerNotReady) {
    // A local fault also needs a peer that is better off.
    return c.scope == Scope::kLocal ? d.peer.better_summary : d.peer.summary;
  }
  if (failover == UpstreamFailover::kNever) return "upstream_failover is never";
  return d.peer.upstream_summary.empty() ? d.peer.summary
                                         : d.peer.upstream_summary;
}

}  // namespace

std::string DemotionController::Describe(const CheckHealth& c,
                                         const Decision& d) const {
  const std::string role = Upper(RoleName(d.role));
  const ControllerTime now = d.at;
  std::string s;
  if (c.Held(now)) {
    const std::string hold = FormatDuration(params_.unknown_hold);
    s = "held " + std::to_string(c.weight) + " for " + c.name + ": ";
    switch (c.evidence) {
      case Evidence::kUnknown:
        s += "unknown for " + Span(now - c.unknown_since) + " of " + hold;
        break;
      case Evidence::kNotApplicable:
        s += "not run on " + role + " for " + Span(now - c.unknown_since) +
             " of " + hold;
        break;
      case Evidence::kRestored:
        s += "contributing before restart, awaiting a fresh result for " +
             Span(now - c.unknown_since) + " of " +
             Span(c.lease_until - c.unknown_since);
        break;
      default:
        s += "no result for " + Span(now - c.evidence_at) + " (lease " +
             Span(c.lease_until - now) + " left)";
        break;
    }
    if (c.restored && c.evidence != Evidence::kRestored)
      s += " (contributing before restart)";
  } else {
    s = c.name;
    s += c.consecutive_fail > 0
             ? " failed " + std::to_string(c.consecutive_fail) + "x"
             : std::string(" is down");
    s += " on " + role;
  }
  if (c.recovering) {
    s += " (recovered " + std::to_string(c.consecutive_ok) +
         "x, withdrawn after hold_down " + FormatDuration(params_.hold_down) +
         ")";
  }
  return s;
}

// Frozen by the flap guard or an unreadable role.
std::string DemotionController::HoldReason(const Decision& d, int held) const {
  if (d.flap_guard_engaged) {
    return "flap guard: " + std::to_string(d.role_changes_in_window) +
           " role changes within " + FormatDuration(params_.flap_window) +
           "; holding " + std::to_string(d.desired) + " (rules say " +
           std::to_string(std::min(d.computed, params_.max)) + ")";
  }
  return "role unknown; holding " + std::to_string(d.desired) +
         (d.desired < held ? " (was " + std::to_string(held) +
                                 ", no longer backed by a lease)"
                           : "");
}

std::string DemotionController::Reason(const Decision& d, int held) const {
  const std::string role = Upper(RoleName(d.role));
  std::vector<std::string> contributing, suppressed, observe_only, withdrawn;
  for (const auto& c : d.checks) {
    if (c.withdrawn && c.weight > 0 && !c.down) {
      withdrawn.push_back(
          c.name + "'s share withdrawn: no fresh result within " +
          (c.evidence == Evidence::kRestored
               ? "its lease after restart"
               : "unknown_hold " + FormatDuration(params_.unknown_hold)));
    }
    if (c.contributing) {
      contributing.push_back(Describe(c, d) +
                             UpstreamNote(c, d, params_.upstream_failover));
    } else if (c.suppressed_by) {
      suppressed.push_back(Describe(c, d) + " but " +
                           SuppressionCause(c, d, params_.upstream_failover));
    } else if (c.down && c.weight <= 0) {
      observe_only.push_back(c.name);
    }
  }
  const std::string tail =
      withdrawn.empty() ? "" : "; " + Join(withdrawn, "; ");
  if (d.flap_guard_engaged || d.role == Role::kUnknown)
    return HoldReason(d, held) + tail;
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
    return r + tail;
  }
  if (!suppressed.empty())
    return "not demoting: " + Join(suppressed, "; ") + tail;
  if (!observe_only.empty()) {
    return "not demoting: " + Join(observe_only, ", ") +
           " down but observe only (weight 0)" + tail;
  }
  if (!withdrawn.empty()) return "not demoting: " + Join(withdrawn, "; ");
  return "not demoting: all weighted checks healthy";
}

}  // namespace ipv6ha
