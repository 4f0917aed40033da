#pragma once

// Metrics about the exporter itself: build info, config reloads, HTTP
// requests, scrape errors, and the standard process_* series. One instance
// lives for the whole process (it survives config reloads). Thread safe.

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

namespace ipv6ha {

std::string VersionString();  // "0.1.0 (revision abc123)"

class ExporterMetrics {
 public:
  ExporterMetrics();
  ExporterMetrics(const ExporterMetrics&) = delete;
  ExporterMetrics& operator=(const ExporterMetrics&) = delete;

  void RecordReload(bool success);
  void RecordRequest(const std::string& handler, int code);
  // The counter of one (handler, code) pair, created on first use. The
  // reference stays valid for the life of this object, so a hot path can
  // keep it instead of looking the labels up on every request.
  prometheus::Counter& RequestCounter(const std::string& handler, int code);
  void RecordScrapeError();

  // The registry of the series above; register it with the scrape.
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }
  // process_cpu_seconds_total, process_resident_memory_bytes, ...
  std::shared_ptr<prometheus::Collectable> process_collector() const {
    return process_;
  }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<prometheus::Collectable> process_;
  prometheus::Gauge* reload_successful_;
  prometheus::Gauge* reload_timestamp_;
  prometheus::Family<prometheus::Counter>* reloads_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Counter* scrape_errors_;
};

}  // namespace ipv6ha
