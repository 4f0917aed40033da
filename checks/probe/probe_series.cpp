#include "checks/probe/probe_series.h"

#include "checks/metric_table.h"

namespace ipv6ha {
namespace {

// The metrics of every probed target (docs/metrics.md, "Probes").
enum Metric { kSuccess, kRtt, kLoss, kJitter, kSent, kReceived };
using prometheus::MetricType;
constexpr MetricDef kMetrics[] = {
    {"ipv6_ha_probe_success",
     "1 when the target answered its latest run (any of its probes).",
     MetricType::Gauge,
     {"target"}},
    {"ipv6_ha_probe_rtt_seconds",
     "Round-trip time of answered probes.",
     MetricType::Histogram,
     {"target"}},
    {"ipv6_ha_probe_loss_ratio",
     "Share of lost probes in the sliding window (0..1).",
     MetricType::Gauge,
     {"target"}},
    {"ipv6_ha_probe_jitter_seconds",
     "Mean absolute difference of consecutive RTTs in the sliding window.",
     MetricType::Gauge,
     {"target"}},
    {"ipv6_ha_probe_sent_total",
     "Probes sent to the target.",
     MetricType::Counter,
     {"target"}},
    {"ipv6_ha_probe_received_total",
     "Probes the target answered.",
     MetricType::Counter,
     {"target"}},
};

}  // namespace

ProbeSeries::ProbeSeries(std::string target, std::size_t window)
    : target_(std::move(target)), stats_(window), rtt_(ProbeRttBuckets()) {}

void ProbeSeries::Record(const ProbeOutcome& outcome) {
  stats_.Record(outcome);
  if (outcome.result == ProbeResult::kSuccess) {
    rtt_.Observe(std::chrono::duration<double>(outcome.rtt).count());
  }
}

void ProbeSeries::RecordRun(const std::vector<ProbeOutcome>& outcomes) {
  stats_.RecordRun(outcomes);
  for (const auto& o : outcomes) {
    if (o.result == ProbeResult::kSuccess) {
      rtt_.Observe(std::chrono::duration<double>(o.rtt).count());
    }
  }
}

const prometheus::Histogram::BucketBoundaries& ProbeRttBuckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025,  0.05,    0.1,    0.25,  0.5,    1,     2};
  return kBuckets;
}

MetricTable ProbeMetrics() { return kMetrics; }

std::vector<prometheus::MetricFamily> ProbeFamilies(
    const std::vector<const ProbeSeries*>& series) {
  MetricSamples success(kMetrics[kSuccess]), rtt(kMetrics[kRtt]),
      loss(kMetrics[kLoss]), jitter(kMetrics[kJitter]), sent(kMetrics[kSent]),
      received(kMetrics[kReceived]);
  for (const ProbeSeries* s : series) {
    const auto& st = s->stats();
    const std::string_view target = s->target();
    success.Add({target}, st.last_success() ? 1 : 0);
    rtt.AddHistogram({target}, s->rtt().Collect());
    loss.Add({target}, st.LossRatio());
    if (auto j = st.JitterSeconds()) jitter.Add({target}, *j);
    sent.Add({target}, static_cast<double>(st.sent()));
    received.Add({target}, static_cast<double>(st.received()));
  }
  std::vector<prometheus::MetricFamily> out;
  for (auto* f : {&success, &rtt, &loss, &jitter, &sent, &received}) {
    if (!f->empty()) out.push_back(f->Take());
  }
  return out;
}

}  // namespace ipv6ha
