#include "checks/probe/probe_stats.h"

#include <algorithm>
#include <cmath>

namespace ipv6ha {

ProbeStats::ProbeStats(std::size_t window)
    : capacity_(std::max<std::size_t>(window, 1)) {}

void ProbeStats::Record(const ProbeOutcome& outcome) { RecordRun({outcome}); }

void ProbeStats::RecordRun(const std::vector<ProbeOutcome>& outcomes) {
  const ProbeOutcome* answer = nullptr;
  const ProbeOutcome* failure = nullptr;
  for (const auto& o : outcomes) {
    RecordProbe(o);
    if (o.result == ProbeResult::kSuccess) {
      if (!answer || o.rtt < answer->rtt) answer = &o;
    } else if (o.result == ProbeResult::kFailure) {
      failure = &o;
    }
  }
  if (outcomes.empty()) return;
  has_result_ = true;
  if (answer) {
    last_ = *answer;
    consecutive_failed_runs_ = 0;
  } else if (failure) {
    last_ = *failure;
    ++consecutive_failed_runs_;
  } else {
    last_ = outcomes.back();  // nothing could be sent: no evidence either way
  }
}

void ProbeStats::RecordProbe(const ProbeOutcome& outcome) {
  if (outcome.result == ProbeResult::kError) return;
  const bool success = outcome.result == ProbeResult::kSuccess;
  ++sent_;
  if (success) {
    ++received_;
    consecutive_failures_ = 0;
  } else {
    ++consecutive_failures_;
  }
  window_.push_back(
      {success, std::chrono::duration<double>(outcome.rtt).count()});
  while (window_.size() > capacity_) window_.pop_front();
}

double ProbeStats::LossRatio() const {
  if (window_.empty()) return 0;
  const auto lost = std::count_if(window_.begin(), window_.end(),
                                  [](const Sample& s) { return !s.success; });
  return static_cast<double>(lost) / static_cast<double>(window_.size());
}

std::optional<double> ProbeStats::MeanRttSeconds() const {
  double sum = 0;
  int n = 0;
  for (const auto& s : window_) {
    if (!s.success) continue;
    sum += s.rtt_seconds;
    ++n;
  }
  if (n == 0) return std::nullopt;
  return sum / n;
}

std::optional<double> ProbeStats::JitterSeconds() const {
  double sum = 0;
  int n = 0;
  std::optional<double> previous;
  for (const auto& s : window_) {
    if (!s.success) continue;
    if (previous) {
      sum += std::fabs(s.rtt_seconds - *previous);
      ++n;
    }
    previous = s.rtt_seconds;
  }
  if (n == 0) return std::nullopt;
  return sum / n;
}

}  // namespace ipv6ha
