#include "exporter/result_store.h"

#include "checks/metric_samples.h"

namespace ipv6ha {

ResultStore::ResultStore(const std::vector<CheckSettings>& checks) {
  for (const auto& s : checks) {
    order_.push_back(s.name);
    records_[s.name].settings = s;
  }
}

void ResultStore::Publish(
    const std::string& name, CheckResult result,
    std::chrono::nanoseconds duration, bool timed_out,
    std::optional<std::chrono::system_clock::time_point> started) {
  CheckRecord copy;
  {
    std::lock_guard lock(mutex_);
    auto it = records_.find(name);
    if (it == records_.end()) return;
    CheckRecord& r = it->second;
    if (r.result && r.result->status != result.status) ++r.status_changes;
    if (timed_out && r.result) {
      // Keep the check's own samples from its last completed run.
      result.metrics = std::move(r.result->metrics);
    }
    r.applicable = result.Applies();
    r.result = std::move(result);
    r.timed_out = timed_out;
    r.last_run_end =
        started ? *started + std::chrono::duration_cast<
                                 std::chrono::system_clock::duration>(duration)
                : std::chrono::system_clock::now();
    r.last_run_end_steady = std::chrono::steady_clock::now();
    r.last_duration = duration;
    ++r.runs;
    if (timed_out) ++r.timeouts;
    copy = r;
  }
  std::vector<Listener> listeners;
  {
    std::lock_guard lock(mutex_);
    listeners = listeners_;
  }
  for (const auto& l : listeners) l(copy);
}

void ResultStore::MarkNotApplicable(const std::string& name, Role role) {
  CheckRecord copy;
  std::vector<Listener> listeners;
  {
    std::lock_guard lock(mutex_);
    auto it = records_.find(name);
    if (it == records_.end() || !it->second.applicable) return;
    it->second.applicable = false;
    it->second.result = CheckResult::NotApplicable("not applicable in role " +
                                                   std::string(RoleName(role)));
    copy = it->second;
    listeners = listeners_;
  }
  for (const auto& l : listeners) l(copy);
}

std::vector<CheckRecord> ResultStore::Snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<CheckRecord> out;
  out.reserve(order_.size());
  for (const auto& name : order_) out.push_back(records_.at(name));
  return out;
}

std::optional<CheckRecord> ResultStore::Get(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = records_.find(name);
  if (it == records_.end()) return std::nullopt;
  return it->second;
}

bool ResultStore::Ready() const {
  std::lock_guard lock(mutex_);
  for (const auto& [name, r] : records_) {
    if (r.applicable && !r.result) return false;
  }
  return true;
}

void ResultStore::AddListener(Listener listener) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(listener));
}

std::vector<prometheus::MetricFamily> ResultStore::Collect() const {
  using prometheus::MetricType;
  auto status = MakeFamily("ipv6_ha_check_status",
                           "Current status of each check: 1 for the current "
                           "state (ok, fail, unknown), 0 for the others.",
                           MetricType::Gauge);
  auto success =
      MakeFamily("ipv6_ha_check_success",
                 "1 when the check's latest result is ok.", MetricType::Gauge);
  auto info = MakeFamily("ipv6_ha_check_info",
                         "Static facts about each configured check.",
                         MetricType::Gauge);
  auto applicable =
      MakeFamily("ipv6_ha_check_applicable",
                 "1 when the check applies in the node's current role.",
                 MetricType::Gauge);
  auto weight = MakeFamily("ipv6_ha_check_weight",
                           "Demotion weight of each check (0 = observe only).",
                           MetricType::Gauge);
  auto duration =
      MakeFamily("ipv6_ha_check_duration_seconds",
                 "Duration of the check's latest run.", MetricType::Gauge);
  auto last_run = MakeFamily("ipv6_ha_check_last_run_timestamp_seconds",
                             "Unix time when the check's latest run ended.",
                             MetricType::Gauge);
  auto runs = MakeFamily("ipv6_ha_check_runs_total",
                         "Runs of each check, including timed-out runs.",
                         MetricType::Counter);
  auto timeouts =
      MakeFamily("ipv6_ha_check_timeouts_total",
                 "Runs that overran the check's timeout.", MetricType::Counter);
  auto changes =
      MakeFamily("ipv6_ha_check_status_changes_total",
                 "Changes of each check's status.", MetricType::Counter);
  std::vector<prometheus::MetricFamily> own;
  {
    std::lock_guard lock(mutex_);
    for (const auto& name : order_) {
      const CheckRecord& r = records_.at(name);
      for (CheckStatus s : kAllCheckStatuses) {
        AddSample(status,
                  {{"check", name}, {"status", std::string(StatusName(s))}},
                  r.result && r.status() == s ? 1 : 0);
      }
      AddSample(success, {{"check", name}},
                r.result && r.status() == CheckStatus::kOk ? 1 : 0);
      AddSample(info,
                {{"check", name},
                 {"type", r.settings.type},
                 {"scope", std::string(ScopeName(r.settings.scope))}},
                1);
      AddSample(applicable, {{"check", name}}, r.applicable ? 1 : 0);
      AddSample(weight, {{"check", name}}, r.settings.weight);
      AddSample(duration, {{"check", name}},
                std::chrono::duration<double>(r.last_duration).count());
      AddSample(last_run, {{"check", name}},
                r.runs == 0 ? 0
                            : std::chrono::duration<double>(
                                  r.last_run_end.time_since_epoch())
                                  .count());
      AddSample(runs, {{"check", name}}, static_cast<double>(r.runs));
      AddSample(timeouts, {{"check", name}}, static_cast<double>(r.timeouts));
      AddSample(changes, {{"check", name}},
                static_cast<double>(r.status_changes));
      if (r.result) {
        for (const auto& f : r.result->metrics) own.push_back(f);
      }
    }
  }
  std::vector<prometheus::MetricFamily> out{
      std::move(status),     std::move(success), std::move(info),
      std::move(applicable), std::move(weight),  std::move(duration),
      std::move(last_run),   std::move(runs),    std::move(timeouts),
      std::move(changes)};
  // Several checks of one type emit the same family name; merge them so the
  // text format carries one HELP/TYPE per family.
  for (auto& f : own) {
    auto same = std::find_if(out.begin(), out.end(),
                             [&](const auto& o) { return o.name == f.name; });
    if (same == out.end()) {
      out.push_back(std::move(f));
    } else {
      for (auto& m : f.metric) same->metric.push_back(std::move(m));
    }
  }
  return out;
}

}  // namespace ipv6ha
