#include "exporter/store/result_store.h"

#include <algorithm>

namespace ipv6ha {
namespace {

// The framework's metrics of every check (docs/metrics.md, "Every check").
enum Metric {
  kStatus,
  kSuccess,
  kInfo,
  kApplicable,
  kWeight,
  kDuration,
  kLastRun,
  kRuns,
  kTimeouts,
  kStatusChanges,
};
using prometheus::MetricType;
constexpr MetricDef kMetrics[] = {
    {"ipv6_ha_check_status",
     "Current status of each check: 1 for the current state (ok, fail, "
     "unknown), 0 for the others.",
     MetricType::Gauge,
     {"check", "status"}},
    {"ipv6_ha_check_success",
     "1 when the check's latest result is ok.",
     MetricType::Gauge,
     {"check"}},
    {"ipv6_ha_check_info",
     "Static facts about each configured check.",
     MetricType::Gauge,
     {"check", "type", "scope"}},
    {"ipv6_ha_check_applicable",
     "1 when the check applies in the node's current role.",
     MetricType::Gauge,
     {"check"}},
    {"ipv6_ha_check_weight",
     "Demotion weight of each check (0 = observe only).",
     MetricType::Gauge,
     {"check"}},
    {"ipv6_ha_check_duration_seconds",
     "Duration of the check's latest run.",
     MetricType::Gauge,
     {"check"}},
    {"ipv6_ha_check_last_run_timestamp_seconds",
     "Unix time when the check's latest run ended.",
     MetricType::Gauge,
     {"check"}},
    {"ipv6_ha_check_runs_total",
     "Runs of each check, including timed-out runs.",
     MetricType::Counter,
     {"check"}},
    {"ipv6_ha_check_timeouts_total",
     "Runs that overran the check's timeout.",
     MetricType::Counter,
     {"check"}},
    {"ipv6_ha_check_status_changes_total",
     "Changes of each check's status.",
     MetricType::Counter,
     {"check"}},
};

// A check's own sample under the framework's identity: check="<instance>"
// first, whatever the check set (a check's table never declares `check`).
void LabelWithCheck(prometheus::ClientMetric& m, const std::string& check) {
  std::erase_if(m.label, [](const auto& l) { return l.name == "check"; });
  m.label.insert(m.label.begin(), {"check", check});
}

}  // namespace

MetricTable ResultStore::Metrics() { return kMetrics; }

ResultStore::ResultStore(const std::vector<CheckSettings>& checks,
                         const Clock& clock)
    : clock_(clock) {
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
                : clock_.WallNow();
    r.last_run_end_steady = clock_.SteadyNow();
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

bool ResultStore::Ready() const { return AwaitingFirstResult().empty(); }

std::vector<std::string> ResultStore::AwaitingFirstResult() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& name : order_) {
    const CheckRecord& r = records_.at(name);
    if (r.applicable && !r.result) out.push_back(name);
  }
  return out;
}

void ResultStore::AddListener(Listener listener) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(listener));
}

std::vector<prometheus::MetricFamily> ResultStore::Collect() const {
  std::vector<MetricSamples> f(std::begin(kMetrics), std::end(kMetrics));
  std::vector<prometheus::MetricFamily> own;
  {
    std::lock_guard lock(mutex_);
    for (const auto& name : order_) {
      const CheckRecord& r = records_.at(name);
      for (CheckStatus s : kAllCheckStatuses) {
        f[kStatus].Add({name, StatusName(s)},
                       r.result && r.status() == s ? 1 : 0);
      }
      f[kSuccess].Add({name},
                      r.result && r.status() == CheckStatus::kOk ? 1 : 0);
      f[kInfo].Add({name, r.settings.type, ScopeName(r.settings.scope)}, 1);
      f[kApplicable].Add({name}, r.applicable ? 1 : 0);
      f[kWeight].Add({name}, r.settings.weight);
      f[kDuration].Add({name},
                       std::chrono::duration<double>(r.last_duration).count());
      f[kLastRun].Add({name}, r.runs == 0
                                  ? 0
                                  : std::chrono::duration<double>(
                                        r.last_run_end.time_since_epoch())
                                        .count());
      f[kRuns].Add({name}, static_cast<double>(r.runs));
      f[kTimeouts].Add({name}, static_cast<double>(r.timeouts));
      f[kStatusChanges].Add({name}, static_cast<double>(r.status_changes));
      if (!r.result) continue;
      for (prometheus::MetricFamily family : r.result->metrics) {
        for (auto& m : family.metric) LabelWithCheck(m, name);
        own.push_back(std::move(family));
      }
    }
  }
  std::vector<prometheus::MetricFamily> out;
  out.reserve(f.size() + own.size());
  for (auto& samples : f) out.push_back(samples.Take());
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
