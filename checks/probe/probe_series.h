#pragma once

// One probe target as a check exports it: its ProbeStats plus an RTT
// histogram, and the metric families for a set of targets:
//   ipv6_ha_probe_success, ipv6_ha_probe_rtt_seconds (histogram),
//   ipv6_ha_probe_loss_ratio, ipv6_ha_probe_jitter_seconds,
//   ipv6_ha_probe_sent_total, ipv6_ha_probe_received_total
// labelled {target} (the result store adds {check}). Not thread safe (owned
// by one check).

#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>

#include <string>
#include <vector>

#include "checks/metric_table.h"
#include "checks/probe/probe_stats.h"

namespace ipv6ha {

class ProbeSeries {
 public:
  ProbeSeries(std::string target, std::size_t window);

  void Record(const ProbeOutcome& outcome);
  // One run of several probes to this target (see ProbeStats::RecordRun).
  void RecordRun(const std::vector<ProbeOutcome>& outcomes);
  const std::string& target() const { return target_; }
  const ProbeStats& stats() const { return stats_; }
  const prometheus::Histogram& rtt() const { return rtt_; }

 private:
  std::string target_;
  ProbeStats stats_;
  prometheus::Histogram rtt_;
};

// Buckets from 100 µs (a LAN or veth) to 2 s (a satellite link in trouble).
const prometheus::Histogram::BucketBoundaries& ProbeRttBuckets();

std::vector<prometheus::MetricFamily> ProbeFamilies(
    const std::vector<const ProbeSeries*>& series);
// The table of the families above, for the checks' registrations.
MetricTable ProbeMetrics();

}  // namespace ipv6ha
