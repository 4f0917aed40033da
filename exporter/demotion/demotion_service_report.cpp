// DemotionService: what it reports (status document and metrics), read
// from the report the controller thread publishes after every evaluation.

#include <cmath>

#include "checks/metric_table.h"
#include "exporter/base/duration.h"
#include "exporter/demotion/demotion_service.h"

namespace ipv6ha {
namespace {

// The metrics of the controller, declared once (docs/metrics.md).
// Indexes into kFamilies, in its order.
enum FamilyIndex {
  kDesired,
  kApplied,
  kChanges,
  kSuppressed,
  kFlapGuard,
  kSinkErrors,
  kSinkRefused,
  kStateErrors,
  kCheckDown,
  kLease,
  kHeld,
  kExpiries,
};
using prometheus::MetricType;
constexpr MetricDef kFamilies[] = {
    {"ipv6_ha_demotion_desired",
     "Demotion contribution the controller wants now.", MetricType::Gauge},
    {"ipv6_ha_demotion_applied",
     "Demotion contribution this exporter has applied to its sink (NaN while "
     "it cannot tell, see ipv6_ha_demotion_sink_refused).",
     MetricType::Gauge},
    {"ipv6_ha_demotion_changes_total",
     "Changes of the applied contribution, by direction (up, down).",
     MetricType::Counter,
     {"direction"}},
    {"ipv6_ha_demotion_suppressed",
     "1 when the reason currently holds back (part of) a demotion, per "
     "reason.",
     MetricType::Gauge,
     {"reason"}},
    {"ipv6_ha_flap_guard_engaged",
     "1 while the flap guard freezes the contribution.", MetricType::Gauge},
    {"ipv6_ha_demotion_sink_errors_total",
     "Failed attempts to change the demotion sink.", MetricType::Counter},
    {"ipv6_ha_demotion_sink_refused",
     "1 while the exporter does not touch its additive sink because it "
     "cannot tell its own part (unusable state file).",
     MetricType::Gauge},
    {"ipv6_ha_demotion_state_file_errors_total",
     "Failed writes of the demotion state file.", MetricType::Counter},
    {"ipv6_ha_demotion_check_down",
     "1 when the controller counts the check as down (after fall, until rise "
     "and hold_down, or until its lease expires).",
     MetricType::Gauge,
     {"check"}},
    {"ipv6_ha_demotion_lease_remaining_seconds",
     "Seconds until a down check's share is withdrawn unless a fresh result "
     "renews it (0 when it has none).",
     MetricType::Gauge,
     {"check"}},
    {"ipv6_ha_demotion_share_held",
     "1 while a check's share is held without a fresh result (unknown, not "
     "applicable, overdue or restored after a restart).",
     MetricType::Gauge,
     {"check"}},
    {"ipv6_ha_demotion_lease_expiries_total",
     "Shares withdrawn because no fresh result renewed their lease.",
     MetricType::Counter,
     {"check"}},
};

double Seconds(ControllerTime::duration d) {
  return std::max(0.0, std::chrono::duration<double>(d).count());
}

StatusShare ShareStatus(const CheckHealth& c, ControllerTime now) {
  StatusShare s;
  s.name = c.name;
  s.scope = c.scope;
  s.weight = c.weight;
  s.down = c.down;
  s.recovering = c.recovering;
  s.contributing = c.contributing;
  s.consecutive_fail = c.consecutive_fail;
  s.consecutive_ok = c.consecutive_ok;
  s.evidence = std::string(EvidenceName(c.evidence));
  s.restored = c.restored;
  s.withdrawn = c.withdrawn;
  if (c.suppressed_by)
    s.suppressed_by = std::string(SuppressionName(*c.suppressed_by));
  if (c.Leased(now)) {
    s.leased = true;
    s.lease_remaining_seconds = Seconds(c.lease_until - now);
    s.held = c.Held(now);
    if (s.held) {
      const bool overdue =
          c.evidence == Evidence::kFail || c.evidence == Evidence::kOk;
      s.held_for_seconds =
          Seconds(now - (overdue ? c.evidence_at : c.unknown_since));
    }
  }
  return s;
}

}  // namespace

StatusController DemotionService::Report() const {
  std::lock_guard lock(report_mutex_);
  const Decision& d = report_.decision;
  const WriterReport& w = report_.writer;
  const auto& p = params_;
  StatusController c;
  c.enabled = config_.enabled;
  c.dry_run = config_.dry_run;
  c.sink = w.sink;
  c.desired = d.desired;
  if (w.applied) c.applied = *w.applied;
  c.max = p.max;
  c.unknown_hold = FormatDuration(p.unknown_hold);
  c.reason = d.reason;
  for (Suppression s : d.suppressed)
    c.suppressed.emplace_back(SuppressionName(s));
  for (const auto& check : d.checks)
    c.checks.push_back(ShareStatus(check, d.at));
  c.decisions.assign(report_.decisions.begin(), report_.decisions.end());
  c.sink_refused = w.refused;
  c.peer = StatusAssessment{d.peer.name,
                            d.peer.ready,
                            d.peer.better,
                            d.peer.upstream_ok,
                            d.peer.summary,
                            d.peer.better_summary,
                            d.peer.upstream_summary};
  c.extra = {
      {"role", std::string(RoleName(d.role))},
      {"flap_guard",
       {{"engaged", d.flap_guard_engaged},
        {"role_changes_in_window", d.role_changes_in_window},
        {"changes", p.flap_changes},
        {"window", FormatDuration(p.flap_window)}}},
      {"changes", {{"up", w.changes_up}, {"down", w.changes_down}}},
      {"sink_error", w.sink_error},
      {"state_file",
       {{"path", w.state_path},
        {"error", w.state_error},
        {"reconcile", w.reconcile_note}}},
  };
  if (report_.dropped_results > 0)
    c.extra["dropped_results"] = report_.dropped_results;
  return c;
}

nlohmann::json DemotionService::Status() const {
  return WriteControllerStatus(Report());
}

MetricTable DemotionService::Metrics() { return kFamilies; }

std::vector<prometheus::MetricFamily> DemotionService::Collect() const {
  std::vector<MetricSamples> f(std::begin(kFamilies), std::end(kFamilies));
  std::lock_guard lock(report_mutex_);
  const Decision& d = report_.decision;
  const WriterReport& w = report_.writer;
  f[kDesired].Add({}, d.desired);
  f[kApplied].Add({}, w.applied ? *w.applied : std::nan(""));
  f[kChanges].Add({"up"}, static_cast<double>(w.changes_up));
  f[kChanges].Add({"down"}, static_cast<double>(w.changes_down));
  for (Suppression s : kAllSuppressions) {
    f[kSuppressed].Add({SuppressionName(s)}, d.suppressed.count(s) ? 1 : 0);
  }
  f[kFlapGuard].Add({}, d.flap_guard_engaged ? 1 : 0);
  f[kSinkErrors].Add({}, static_cast<double>(w.sink_errors));
  f[kSinkRefused].Add({}, w.refused.empty() ? 0 : 1);
  f[kStateErrors].Add({}, static_cast<double>(w.state_errors));
  for (const auto& c : d.checks) {
    f[kCheckDown].Add({c.name}, c.down ? 1 : 0);
    if (c.weight <= 0) continue;
    const bool leased = c.Leased(d.at);
    f[kLease].Add({c.name}, leased ? Seconds(c.lease_until - d.at) : 0);
    f[kHeld].Add({c.name}, leased && c.Held(d.at) ? 1 : 0);
    auto it = report_.expiries.find(c.name);
    f[kExpiries].Add(
        {c.name},
        static_cast<double>(it == report_.expiries.end() ? 0 : it->second));
  }
  std::vector<prometheus::MetricFamily> out;
  out.reserve(f.size());
  for (auto& samples : f) out.push_back(samples.Take());
  return out;
}

}  // namespace ipv6ha
