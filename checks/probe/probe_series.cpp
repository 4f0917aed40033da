#include "checks/probe/probe_series.h"

#include "checks/metric_samples.h"

namespace ipv6ha {

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

std::vector<prometheus::MetricFamily> ProbeFamilies(
    const std::string& check, const std::vector<const ProbeSeries*>& series) {
  using prometheus::MetricType;
  auto success = MakeFamily(
      "ipv6_ha_probe_success",
      "1 when the target answered its latest run (any of its probes).",
      MetricType::Gauge);
  auto rtt =
      MakeFamily("ipv6_ha_probe_rtt_seconds",
                 "Round-trip time of answered probes.", MetricType::Histogram);
  auto loss = MakeFamily("ipv6_ha_probe_loss_ratio",
                         "Share of lost probes in the sliding window (0..1).",
                         MetricType::Gauge);
  auto jitter =
      MakeFamily("ipv6_ha_probe_jitter_seconds",
                 "Mean absolute difference of consecutive RTTs in the "
                 "sliding window.",
                 MetricType::Gauge);
  auto sent = MakeFamily("ipv6_ha_probe_sent_total",
                         "Probes sent to the target.", MetricType::Counter);
  auto received =
      MakeFamily("ipv6_ha_probe_received_total", "Probes the target answered.",
                 MetricType::Counter);
  for (const ProbeSeries* s : series) {
    const auto& st = s->stats();
    AddSample(success, {{"check", check}, {"target", s->target()}},
              st.last_success() ? 1 : 0);
    prometheus::ClientMetric h = s->rtt().Collect();
    h.label = {{"check", check}, {"target", s->target()}};
    rtt.metric.push_back(std::move(h));
    AddSample(loss, {{"check", check}, {"target", s->target()}},
              st.LossRatio());
    if (auto j = st.JitterSeconds()) {
      AddSample(jitter, {{"check", check}, {"target", s->target()}}, *j);
    }
    AddSample(sent, {{"check", check}, {"target", s->target()}},
              static_cast<double>(st.sent()));
    AddSample(received, {{"check", check}, {"target", s->target()}},
              static_cast<double>(st.received()));
  }
  std::vector<prometheus::MetricFamily> out;
  for (auto* f : {&success, &rtt, &loss, &jitter, &sent, &received}) {
    if (!f->metric.empty()) out.push_back(std::move(*f));
  }
  return out;
}

}  // namespace ipv6ha
