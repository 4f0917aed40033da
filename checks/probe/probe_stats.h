#pragma once

// What a check knows about one probe target: a sliding window of the latest
// probe outcomes and the numbers derived from it. Pure logic; not thread
// safe (each check owns its targets' stats and runs on one thread at a time).
//
// - loss ratio: lost / probes in the window (0 when the window is empty);
// - RTT: of the latest success, and the mean over the window's successes;
// - jitter: mean absolute difference of consecutive RTTs in the window
//   (RFC 3550's idea without its smoothing, so it is exact over the window);
// - consecutive failures: lost probes since the latest success;
// - failed runs: runs in a row in which the target answered none of its
//   probes (a check may send several probes per target per run, like
//   `ping -c 3`; one answer makes the run a success). Record() is a run of
//   one probe;
// - sent/received: counters since start. Probes that could not be sent
//   (an error, not a loss) are not counted and do not enter the window.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "exporter/platform/prober.h"

namespace ipv6ha {

class ProbeStats {
 public:
  explicit ProbeStats(std::size_t window);

  // One run of one probe.
  void Record(const ProbeOutcome& outcome);
  // One run of several probes to the same target, in the order they were
  // sent. last() becomes the run's answer (its fastest success), else its
  // latest failure, else its latest error. A run of errors only (nothing
  // could be sent) does not count as a failed run.
  void RecordRun(const std::vector<ProbeOutcome>& outcomes);

  bool has_result() const { return has_result_; }
  // The latest outcome (success, failure or error) and its reason.
  const ProbeOutcome& last() const { return last_; }
  bool last_success() const { return last_.result == ProbeResult::kSuccess; }
  std::size_t window_size() const { return window_.size(); }
  double LossRatio() const;
  std::optional<double> MeanRttSeconds() const;
  std::optional<double> JitterSeconds() const;
  int consecutive_failures() const { return consecutive_failures_; }
  int consecutive_failed_runs() const { return consecutive_failed_runs_; }
  std::uint64_t sent() const { return sent_; }
  std::uint64_t received() const { return received_; }

 private:
  struct Sample {
    bool success;
    double rtt_seconds;
  };
  std::size_t capacity_;
  std::deque<Sample> window_;
  ProbeOutcome last_;
  bool has_result_ = false;
  void RecordProbe(const ProbeOutcome& outcome);

  int consecutive_failures_ = 0;
  int consecutive_failed_runs_ = 0;
  std::uint64_t sent_ = 0;
  std::uint64_t received_ = 0;
};

}  // namespace ipv6ha
