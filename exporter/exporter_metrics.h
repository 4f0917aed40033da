#pragma once

// Metrics about the exporter itself: build info, config reloads, HTTP
// requests, scrape errors, and the standard process_* series. One instance
// lives for the whole process (it survives config reloads). Thread safe.

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "checks/metric_table.h"
#include "exporter/platform/clock.h"

namespace ipv6ha {

std::string VersionString();  // "0.1.0 (revision abc123)"

class ExporterMetrics : public prometheus::Collectable {
 public:
  // `clock` (it must outlive this object) dates the reloads.
  explicit ExporterMetrics(const Clock& clock = SystemClock());
  ExporterMetrics(const ExporterMetrics&) = delete;
  ExporterMetrics& operator=(const ExporterMetrics&) = delete;

  void RecordReload(bool success);
  // The counter of one (handler, code) pair, created on first use. The
  // reference stays valid for the life of this object, so a hot path can
  // keep it instead of looking the labels up on every request.
  prometheus::Counter& RequestCounter(const std::string& handler, int code);
  void RecordScrapeError();

  // ipv6_ha_build_info, the reload, request and scrape error series.
  std::vector<prometheus::MetricFamily> Collect() const override;
  // process_cpu_seconds_total, process_resident_memory_bytes, ...
  std::shared_ptr<prometheus::Collectable> process_collector() const {
    return process_;
  }

  // The tables of the families above (checks/metric_table.h).
  static MetricTable Metrics();
  static MetricTable ProcessMetrics();

 private:
  const Clock& clock_;
  std::shared_ptr<prometheus::Collectable> process_;
  prometheus::Gauge reload_successful_;
  prometheus::Gauge reload_timestamp_;
  prometheus::Counter reload_success_;
  prometheus::Counter reload_failure_;
  prometheus::Counter scrape_errors_;
  mutable std::mutex requests_mutex_;
  std::map<std::pair<std::string, int>, std::unique_ptr<prometheus::Counter>>
      requests_;
};

}  // namespace ipv6ha
