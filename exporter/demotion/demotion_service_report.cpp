// DemotionService: what it reports (status document and metrics), read
// from the report the controller thread publishes after every evaluation.

#include <cmath>

#include "checks/metric_samples.h"
#include "exporter/config/duration.h"
#include "exporter/demotion/demotion_service.h"

namespace ipv6ha {
namespace {

// The metrics of the controller, declared once (docs/metrics.md).
struct FamilySpec {
  const char* name;
  const char* help;
  prometheus::MetricType type;
};
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
const FamilySpec kFamilies[] = {
    {"ipv6_ha_demotion_desired",
     "Demotion contribution the controller wants now.", MetricType::Gauge},
    {"ipv6_ha_demotion_applied",
     "Demotion contribution this exporter has applied to its sink (NaN while "
     "it cannot tell, see ipv6_ha_demotion_sink_refused).",
     MetricType::Gauge},
    {"ipv6_ha_demotion_changes_total",
     "Changes of the applied contribution, by direction (up, down).",
     MetricType::Counter},
    {"ipv6_ha_demotion_suppressed",
     "1 when the reason currently holds back (part of) a demotion, per "
     "reason.",
     MetricType::Gauge},
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
     MetricType::Gauge},
    {"ipv6_ha_demotion_lease_remaining_seconds",
     "Seconds until a down check's share is withdrawn unless a fresh result "
     "renews it (0 when it has none).",
     MetricType::Gauge},
    {"ipv6_ha_demotion_share_held",
     "1 while a check's share is held without a fresh result (unknown, not "
     "applicable, overdue or restored after a restart).",
     MetricType::Gauge},
    {"ipv6_ha_demotion_lease_expiries_total",
     "Shares withdrawn because no fresh result renewed their lease.",
     MetricType::Counter},
};

double Seconds(ControllerTime::duration d) {
  return std::max(0.0, std::chrono::duration<double>(d).count());
}

nlohmann::json CheckJson(const CheckHealth& c, ControllerTime now) {
  nlohmann::json j{{"name", c.name},
                   {"scope", std::string(ScopeName(c.scope))},
                   {"weight", c.weight},
                   {"down", c.down},
                   {"recovering", c.recovering},
                   {"contributing", c.contributing},
                   {"consecutive_fail", c.consecutive_fail},
                   {"consecutive_ok", c.consecutive_ok},
                   {"evidence", std::string(EvidenceName(c.evidence))},
                   {"restored", c.restored},
                   {"withdrawn", c.withdrawn}};
  if (c.suppressed_by)
    j["suppressed_by"] = std::string(SuppressionName(*c.suppressed_by));
  if (c.Leased(now)) {
    nlohmann::json lease{{"remaining_seconds", Seconds(c.lease_until - now)},
                         {"held", c.Held(now)}};
    if (c.Held(now)) {
      const bool overdue =
          c.evidence == Evidence::kFail || c.evidence == Evidence::kOk;
      lease["held_for_seconds"] =
          Seconds(now - (overdue ? c.evidence_at : c.unknown_since));
    }
    j["lease"] = std::move(lease);
  }
  return j;
}

}  // namespace

nlohmann::json DemotionService::Status() const {
  std::lock_guard lock(report_mutex_);
  const Decision& d = report_.decision;
  const WriterReport& w = report_.writer;
  nlohmann::json suppressed = nlohmann::json::array();
  for (Suppression s : d.suppressed)
    suppressed.push_back(std::string(SuppressionName(s)));
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : d.checks) checks.push_back(CheckJson(c, d.at));
  const auto& p = params_;
  nlohmann::json j{
      {"enabled", config_.enabled},
      {"dry_run", config_.dry_run},
      {"sink", w.sink},
      {"desired", d.desired},
      {"applied", w.applied ? nlohmann::json(*w.applied) : nlohmann::json()},
      {"max", p.max},
      {"unknown_hold", FormatDuration(p.unknown_hold)},
      {"reason", d.reason},
      {"suppressed", suppressed},
      {"role", std::string(RoleName(d.role))},
      {"peer",
       {{"ready", d.peer.ready},
        {"summary", d.peer.summary},
        {"upstream_ok", d.peer.upstream_ok},
        {"upstream_summary", d.peer.upstream_summary}}},
      {"flap_guard",
       {{"engaged", d.flap_guard_engaged},
        {"role_changes_in_window", d.role_changes_in_window},
        {"changes", p.flap_changes},
        {"window", FormatDuration(p.flap_window)}}},
      {"checks", checks},
      {"changes", {{"up", w.changes_up}, {"down", w.changes_down}}},
      {"sink_error", w.sink_error},
      {"state_file",
       {{"path", w.state_path},
        {"error", w.state_error},
        {"reconcile", w.reconcile_note}}},
  };
  if (!w.refused.empty()) j["sink_refused"] = w.refused;
  if (report_.dropped_results > 0)
    j["dropped_results"] = report_.dropped_results;
  return j;
}

std::vector<prometheus::MetricFamily> DemotionService::Collect() const {
  std::vector<prometheus::MetricFamily> f;
  for (const auto& spec : kFamilies)
    f.push_back(MakeFamily(spec.name, spec.help, spec.type));
  std::lock_guard lock(report_mutex_);
  const Decision& d = report_.decision;
  const WriterReport& w = report_.writer;
  AddSample(f[kDesired], {}, d.desired);
  AddSample(f[kApplied], {}, w.applied ? *w.applied : std::nan(""));
  AddSample(f[kChanges], {{"direction", "up"}},
            static_cast<double>(w.changes_up));
  AddSample(f[kChanges], {{"direction", "down"}},
            static_cast<double>(w.changes_down));
  for (Suppression s : kAllSuppressions) {
    AddSample(f[kSuppressed], {{"reason", std::string(SuppressionName(s))}},
              d.suppressed.count(s) ? 1 : 0);
  }
  AddSample(f[kFlapGuard], {}, d.flap_guard_engaged ? 1 : 0);
  AddSample(f[kSinkErrors], {}, static_cast<double>(w.sink_errors));
  AddSample(f[kSinkRefused], {}, w.refused.empty() ? 0 : 1);
  AddSample(f[kStateErrors], {}, static_cast<double>(w.state_errors));
  for (const auto& c : d.checks) {
    const LabelPairs check{{"check", c.name}};
    AddSample(f[kCheckDown], check, c.down ? 1 : 0);
    if (c.weight <= 0) continue;
    const bool leased = c.Leased(d.at);
    AddSample(f[kLease], check, leased ? Seconds(c.lease_until - d.at) : 0);
    AddSample(f[kHeld], check, leased && c.Held(d.at) ? 1 : 0);
    auto it = report_.expiries.find(c.name);
    AddSample(
        f[kExpiries], check,
        static_cast<double>(it == report_.expiries.end() ? 0 : it->second));
  }
  return f;
}

}  // namespace ipv6ha
