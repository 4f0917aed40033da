#include "exporter/exporter_metrics.h"

#include <chrono>

#include "exporter/platform/process_stats.h"

#ifndef IPV6HA_VERSION
#define IPV6HA_VERSION "0.0.0"
#endif
#ifndef IPV6HA_REVISION
#define IPV6HA_REVISION "unknown"
#endif

namespace ipv6ha {
namespace {

// The exporter's own metrics (docs/metrics.md, "Exporter"). Labels in
// alphabetical order, as the prometheus-cpp registry that served them before
// printed them.
enum Metric {
  kBuildInfo,
  kReloadSuccessful,
  kReloadTimestamp,
  kReloads,
  kRequests,
  kScrapeErrors,
};
using prometheus::MetricType;
constexpr MetricDef kMetrics[] = {
    {"ipv6_ha_build_info",
     "A metric with a constant '1' value labelled by the version and revision "
     "the exporter was built from.",
     MetricType::Gauge,
     {"compiler", "revision", "version"}},
    {"ipv6_ha_config_last_reload_successful",
     "Whether the last configuration (re)load succeeded.", MetricType::Gauge},
    {"ipv6_ha_config_last_reload_success_timestamp_seconds",
     "Unix time of the last successful configuration (re)load.",
     MetricType::Gauge},
    {"ipv6_ha_config_reloads_total",
     "Configuration reloads by result (success, failure).",
     MetricType::Counter,
     {"result"}},
    {"ipv6_ha_http_requests_total",
     "HTTP requests served, by handler and status code.",
     MetricType::Counter,
     {"code", "handler"}},
    {"ipv6_ha_scrape_errors_total",
     "Errors while collecting metrics for a scrape.", MetricType::Counter},
};

// The standard process metrics, named as every Prometheus client names them.
enum ProcessMetric { kCpu, kResident, kVirtual, kStartTime, kOpenFds, kMaxFds };
constexpr MetricDef kProcessMetrics[] = {
    {"process_cpu_seconds_total",
     "Total user and system CPU time spent in seconds.", MetricType::Counter},
    {"process_resident_memory_bytes", "Resident memory size in bytes.",
     MetricType::Gauge},
    {"process_virtual_memory_bytes", "Virtual memory size in bytes.",
     MetricType::Gauge},
    {"process_start_time_seconds",
     "Start time of the process since unix epoch in seconds.",
     MetricType::Gauge},
    {"process_open_fds", "Number of open file descriptors.", MetricType::Gauge},
    {"process_max_fds", "Maximum number of open file descriptors.",
     MetricType::Gauge},
};

double Seconds(WallClockTime t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    auto stats = ReadProcessStats();
    if (!stats) return {};
    std::vector<prometheus::MetricFamily> out;
    auto add = [&](ProcessMetric m, double value) {
      MetricSamples f(kProcessMetrics[m]);
      f.Add({}, value);
      out.push_back(f.Take());
    };
    add(kCpu, stats->cpu_seconds);
    add(kResident, stats->resident_bytes);
    add(kVirtual, stats->virtual_bytes);
    add(kStartTime, stats->start_time_seconds);
    if (stats->open_fds) add(kOpenFds, *stats->open_fds);
    add(kMaxFds, stats->max_fds);
    return out;
  }
};

}  // namespace

std::string VersionString() {
  return std::string(IPV6HA_VERSION) + " (revision " IPV6HA_REVISION ")";
}

MetricTable ExporterMetrics::Metrics() { return kMetrics; }
MetricTable ExporterMetrics::ProcessMetrics() { return kProcessMetrics; }

ExporterMetrics::ExporterMetrics(const Clock& clock)
    : clock_(clock), process_(std::make_shared<ProcessCollector>()) {}

void ExporterMetrics::RecordReload(bool success) {
  reload_successful_.Set(success ? 1 : 0);
  if (success) reload_timestamp_.Set(Seconds(clock_.WallNow()));
  (success ? reload_success_ : reload_failure_).Increment();
}

prometheus::Counter& ExporterMetrics::RequestCounter(const std::string& handler,
                                                     int code) {
  std::lock_guard lock(requests_mutex_);
  auto& counter = requests_[{handler, code}];
  if (!counter) counter = std::make_unique<prometheus::Counter>();
  return *counter;
}

void ExporterMetrics::RecordScrapeError() { scrape_errors_.Increment(); }

std::vector<prometheus::MetricFamily> ExporterMetrics::Collect() const {
  std::vector<MetricSamples> f(std::begin(kMetrics), std::end(kMetrics));
  f[kBuildInfo].Add({__VERSION__, IPV6HA_REVISION, IPV6HA_VERSION}, 1);
  f[kReloadSuccessful].Add({}, reload_successful_.Value());
  f[kReloadTimestamp].Add({}, reload_timestamp_.Value());
  f[kReloads].Add({"success"}, reload_success_.Value());
  f[kReloads].Add({"failure"}, reload_failure_.Value());
  {
    std::lock_guard lock(requests_mutex_);
    for (const auto& [key, counter] : requests_) {
      f[kRequests].Add({std::to_string(key.second), key.first},
                       counter->Value());
    }
  }
  f[kScrapeErrors].Add({}, scrape_errors_.Value());
  std::vector<prometheus::MetricFamily> out;
  for (auto& samples : f) {
    // A family without samples (no request served yet) is left out, as the
    // prometheus-cpp registry left it out.
    if (!samples.empty()) out.push_back(samples.Take());
  }
  return out;
}

}  // namespace ipv6ha
