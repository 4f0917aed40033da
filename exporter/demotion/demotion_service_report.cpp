// DemotionService: what it reports (status document and metrics).

#include "checks/metric_samples.h"
#include "exporter/config/duration.h"
#include "exporter/demotion/demotion_service.h"

namespace ipv6ha {

nlohmann::json DemotionService::Status() const {
  std::lock_guard lock(mutex_);
  const Decision& d = decision_;
  nlohmann::json suppressed = nlohmann::json::array();
  for (Suppression s : d.suppressed)
    suppressed.push_back(std::string(SuppressionName(s)));
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : d.checks) {
    nlohmann::json j{{"name", c.name},
                     {"scope", std::string(ScopeName(c.scope))},
                     {"weight", c.weight},
                     {"down", c.down},
                     {"recovering", c.recovering},
                     {"contributing", c.contributing},
                     {"consecutive_fail", c.consecutive_fail},
                     {"consecutive_ok", c.consecutive_ok}};
    if (c.suppressed_by)
      j["suppressed_by"] = std::string(SuppressionName(*c.suppressed_by));
    checks.push_back(std::move(j));
  }
  const auto& p = controller_.params();
  return {
      {"enabled", config_.enabled},
      {"dry_run", config_.dry_run},
      {"sink", std::string(sink_->Name())},
      {"desired", d.desired},
      {"applied", applied_},
      {"max", p.max},
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
      {"changes", {{"up", changes_up_}, {"down", changes_down_}}},
      {"sink_error", sink_error_},
      {"state_file",
       {{"path", store_ ? store_->path() : ""},
        {"error", state_error_},
        {"reconcile", reconcile_note_}}},
  };
}

std::vector<prometheus::MetricFamily> DemotionService::Collect() const {
  using prometheus::MetricType;
  auto desired = MakeFamily("ipv6_ha_demotion_desired",
                            "Demotion contribution the controller wants now.",
                            MetricType::Gauge);
  auto applied =
      MakeFamily("ipv6_ha_demotion_applied",
                 "Demotion contribution this exporter has applied to its sink.",
                 MetricType::Gauge);
  auto changes = MakeFamily(
      "ipv6_ha_demotion_changes_total",
      "Changes of the applied contribution, by direction (up, down).",
      MetricType::Counter);
  auto suppressed = MakeFamily("ipv6_ha_demotion_suppressed",
                               "1 when the reason currently holds back (part "
                               "of) a demotion, per reason.",
                               MetricType::Gauge);
  auto flap = MakeFamily("ipv6_ha_flap_guard_engaged",
                         "1 while the flap guard freezes the contribution.",
                         MetricType::Gauge);
  auto sink_errors = MakeFamily("ipv6_ha_demotion_sink_errors_total",
                                "Failed attempts to change the demotion sink.",
                                MetricType::Counter);
  auto state_errors = MakeFamily("ipv6_ha_demotion_state_file_errors_total",
                                 "Failed writes of the demotion state file.",
                                 MetricType::Counter);
  auto check_down = MakeFamily(
      "ipv6_ha_demotion_check_down",
      "1 when the controller counts the check as down (after fall, until rise "
      "and hold_down).",
      MetricType::Gauge);
  std::lock_guard lock(mutex_);
  AddSample(desired, {}, decision_.desired);
  AddSample(applied, {}, applied_);
  AddSample(changes, {{"direction", "up"}}, static_cast<double>(changes_up_));
  AddSample(changes, {{"direction", "down"}},
            static_cast<double>(changes_down_));
  for (Suppression s : kAllSuppressions) {
    AddSample(suppressed, {{"reason", std::string(SuppressionName(s))}},
              decision_.suppressed.count(s) ? 1 : 0);
  }
  AddSample(flap, {}, decision_.flap_guard_engaged ? 1 : 0);
  AddSample(sink_errors, {}, static_cast<double>(sink_errors_));
  AddSample(state_errors, {}, static_cast<double>(state_errors_));
  for (const auto& c : decision_.checks) {
    AddSample(check_down, {{"check", c.name}}, c.down ? 1 : 0);
  }
  return {std::move(desired),      std::move(applied),   std::move(changes),
          std::move(suppressed),   std::move(flap),      std::move(sink_errors),
          std::move(state_errors), std::move(check_down)};
}

}  // namespace ipv6ha
