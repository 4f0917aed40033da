#include "exporter/exporter_metrics.h"

#include <chrono>

#include "checks/metric_samples.h"
#include "exporter/platform/process_stats.h"

#ifndef IPV6HA_VERSION
#define IPV6HA_VERSION "0.0.0"
#endif
#ifndef IPV6HA_REVISION
#define IPV6HA_REVISION "unknown"
#endif

namespace ipv6ha {
namespace {

double NowSeconds() {
  return std::chrono::duration<double>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    using prometheus::MetricType;
    auto stats = ReadProcessStats();
    if (!stats) return {};
    std::vector<prometheus::MetricFamily> out;
    auto add = [&](const char* name, const char* help, MetricType type,
                   double value) {
      auto f = MakeFamily(name, help, type);
      AddSample(f, {}, value);
      out.push_back(std::move(f));
    };
    add("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
        MetricType::Counter, stats->cpu_seconds);
    add("process_resident_memory_bytes", "Resident memory size in bytes.",
        MetricType::Gauge, stats->resident_bytes);
    add("process_virtual_memory_bytes", "Virtual memory size in bytes.",
        MetricType::Gauge, stats->virtual_bytes);
    add("process_start_time_seconds",
        "Start time of the process since unix epoch in seconds.",
        MetricType::Gauge, stats->start_time_seconds);
    if (stats->open_fds) {
      add("process_open_fds", "Number of open file descriptors.",
          MetricType::Gauge, *stats->open_fds);
    }
    add("process_max_fds", "Maximum number of open file descriptors.",
        MetricType::Gauge, stats->max_fds);
    return out;
  }
};

}  // namespace

std::string VersionString() {
  return std::string(IPV6HA_VERSION) + " (revision " IPV6HA_REVISION ")";
}

ExporterMetrics::ExporterMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      process_(std::make_shared<ProcessCollector>()) {
  prometheus::BuildGauge()
      .Name("ipv6_ha_build_info")
      .Help("A metric with a constant '1' value labelled by the version and "
            "revision the exporter was built from.")
      .Register(*registry_)
      .Add({{"version", IPV6HA_VERSION},
            {"revision", IPV6HA_REVISION},
            {"compiler", __VERSION__}})
      .Set(1);
  reload_successful_ =
      &prometheus::BuildGauge()
           .Name("ipv6_ha_config_last_reload_successful")
           .Help("Whether the last configuration (re)load succeeded.")
           .Register(*registry_)
           .Add({});
  reload_timestamp_ =
      &prometheus::BuildGauge()
           .Name("ipv6_ha_config_last_reload_success_timestamp_seconds")
           .Help("Unix time of the last successful configuration (re)load.")
           .Register(*registry_)
           .Add({});
  reloads_ = &prometheus::BuildCounter()
                  .Name("ipv6_ha_config_reloads_total")
                  .Help("Configuration reloads by result (success, failure).")
                  .Register(*registry_);
  requests_ = &prometheus::BuildCounter()
                   .Name("ipv6_ha_http_requests_total")
                   .Help("HTTP requests served, by handler and status code.")
                   .Register(*registry_);
  scrape_errors_ = &prometheus::BuildCounter()
                        .Name("ipv6_ha_scrape_errors_total")
                        .Help("Errors while collecting metrics for a scrape.")
                        .Register(*registry_)
                        .Add({});
  reloads_->Add({{"result", "success"}});
  reloads_->Add({{"result", "failure"}});
}

void ExporterMetrics::RecordReload(bool success) {
  reload_successful_->Set(success ? 1 : 0);
  if (success) reload_timestamp_->Set(NowSeconds());
  reloads_->Add({{"result", success ? "success" : "failure"}}).Increment();
}

void ExporterMetrics::RecordRequest(const std::string& handler, int code) {
  RequestCounter(handler, code).Increment();
}

prometheus::Counter& ExporterMetrics::RequestCounter(const std::string& handler,
                                                     int code) {
  return requests_->Add({{"handler", handler}, {"code", std::to_string(code)}});
}

void ExporterMetrics::RecordScrapeError() { scrape_errors_->Increment(); }

}  // namespace ipv6ha
