#pragma once

// OPNsense's CARP service status mode: with `demotion.sink: none`, the
// rc.carp_service_status.d script turns our decision (controller.desired > 0:
// "demote") into OPNsense's own 2^20 demotion. OPNsense re-runs its service
// status scripts only when told to, by `configctl interface update carp
// service_status`; without that our decision lands late or never.
//
// ServiceStatusTrigger runs that command (the configured argv) when the
// decision changes, and once for the first decision it is given (OPNsense may
// still hold the answer of a previous run). Before each run it calls
// `before_run`, which makes the new decision readable by the script (the
// daemon writes the status file then). Notify() is thread safe and never
// blocks, so the controller thread calls it with every decision: the command
// runs on the trigger's own thread with a timeout (RunCommand: no shell,
// killed at the deadline). Decisions that arrive while
// it runs fold into one more run for the latest one. A failed run (cannot
// start, exit status not 0, killed, timed out) is logged with its reason,
// counted (ipv6_ha_service_status_trigger_runs_total{result="failed"}) and
// retried after `retry` until a run succeeds or the decision changes. After
// a failed run OPNsense's answer counts as unknown (the run may have reached
// it), so the next decision runs the command even if it equals the one told
// before the failure.
//
// The destructor stops the thread; a command still running is waited for
// (at most its timeout).

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "checks/metric_table.h"
#include "exporter/config/service_status_trigger_config.h"

namespace ipv6ha {

class ServiceStatusTrigger : public prometheus::Collectable {
 public:
  ServiceStatusTrigger(std::vector<std::string> argv,
                       std::chrono::milliseconds timeout,
                       std::chrono::milliseconds retry,
                       std::function<void()> before_run = nullptr);
  ~ServiceStatusTrigger() override;
  ServiceStatusTrigger(const ServiceStatusTrigger&) = delete;
  ServiceStatusTrigger& operator=(const ServiceStatusTrigger&) = delete;

  // The controller's current decision: its desired contribution (> 0:
  // demote). Runs the command when the decision differs from the last one
  // acted on.
  void Notify(std::int64_t desired);

  // Waits until no run is going and the latest decision was told (or its
  // run failed), at most `max`. For shutdown: the last decision reaches
  // OPNsense before we go.
  void WaitIdle(std::chrono::milliseconds max);

  std::vector<prometheus::MetricFamily> Collect() const override;
  // The table of its metrics (checks/metric_table.h).
  static MetricTable Metrics();

  struct Counts {
    std::uint64_t ok = 0;
    std::uint64_t failed = 0;
    std::string last_error;  // of the latest run; empty after a success
  };
  Counts counts() const;

 private:
  void Loop();
  void RunOnce(bool demote);

  const std::vector<std::string> argv_;
  const std::chrono::milliseconds timeout_;
  const std::chrono::milliseconds retry_;
  const std::function<void()> before_run_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::optional<bool> wanted_;     // latest decision given to Notify
  std::optional<bool> acted_;      // told by the latest run, if it succeeded
  std::optional<bool> attempted_;  // decision of the latest run
  bool failed_ = false;            // the latest run failed: retry after retry_
  bool running_ = false;           // a run is going (WaitIdle waits for it)
  Counts counts_;
  std::thread thread_;
};

}  // namespace ipv6ha
