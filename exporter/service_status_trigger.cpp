#include "exporter/service_status_trigger.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "checks/metric_table.h"
#include "exporter/platform/command_runner.h"

namespace ipv6ha {
namespace {

using Steady = std::chrono::steady_clock;

// The trigger's metrics (docs/metrics.md, "Demotion").
enum Metric { kRuns };
constexpr MetricDef kMetrics[] = {
    {"ipv6_ha_service_status_trigger_runs_total",
     "Runs of the command that makes OPNsense re-evaluate its CARP service "
     "status, by result.",
     prometheus::MetricType::Counter,
     {"result"}},
};

const char* DecisionName(bool demote) { return demote ? "demote" : "healthy"; }

}  // namespace

ServiceStatusTrigger::ServiceStatusTrigger(std::vector<std::string> argv,
                                           std::chrono::milliseconds timeout,
                                           std::chrono::milliseconds retry,
                                           std::function<void()> before_run)
    : argv_(std::move(argv)),
      timeout_(timeout),
      retry_(retry),
      before_run_(std::move(before_run)) {
  thread_ = std::thread([this] { Loop(); });
}

ServiceStatusTrigger::~ServiceStatusTrigger() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void ServiceStatusTrigger::Notify(std::int64_t desired) {
  {
    std::lock_guard lock(mutex_);
    wanted_ = desired > 0;
  }
  cv_.notify_all();
}

void ServiceStatusTrigger::WaitIdle(std::chrono::milliseconds max) {
  std::unique_lock lock(mutex_);
  // Not while a run is going: its outcome decides whether the latest
  // decision still has to be told.
  cv_.wait_for(lock, max, [&] {
    return !running_ && (!wanted_ || *wanted_ == acted_ ||
                         (failed_ && *wanted_ == attempted_));
  });
}

ServiceStatusTrigger::Counts ServiceStatusTrigger::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

// Runs when the latest decision differs from the one last acted on; after a
// failure, again at once if the decision changed, else after retry_.
void ServiceStatusTrigger::Loop() {
  std::unique_lock lock(mutex_);
  Steady::time_point retry_at{};
  while (!stop_) {
    if (!wanted_ || *wanted_ == acted_) {
      cv_.wait(lock, [&] { return stop_ || (wanted_ && *wanted_ != acted_); });
      continue;
    }
    if (failed_ && *wanted_ == attempted_) {
      cv_.wait_until(lock, retry_at,
                     [&] { return stop_ || *wanted_ != attempted_; });
      if (stop_) break;
      if (*wanted_ == attempted_ && Steady::now() < retry_at) continue;
    }
    const bool demote = *wanted_;
    attempted_ = demote;
    running_ = true;
    lock.unlock();
    RunOnce(demote);
    lock.lock();
    running_ = false;
    if (failed_) retry_at = Steady::now() + retry_;
    cv_.notify_all();  // WaitIdle
  }
}

void ServiceStatusTrigger::RunOnce(bool demote) {
  if (before_run_) before_run_();
  CommandSpec spec;
  spec.argv = argv_;
  spec.timeout = timeout_;
  spec.max_output_bytes = 64 * 1024;
  // The last run, on shutdown, tells OPNsense we stopped.
  spec.purpose = CommandPurpose::kAct;
  const std::string what = DescribeCommand(argv_);
  std::string error;
  auto out = RunCommand(spec);
  if (!out) {
    error = out.error().message;
  } else {
    error = DescribeFailure(argv_, *out);
  }
  std::lock_guard lock(mutex_);
  if (error.empty()) {
    acted_ = demote;
    failed_ = false;
    ++counts_.ok;
    counts_.last_error.clear();
    spdlog::info(
        "told OPNsense to re-evaluate its CARP service status ({}; our "
        "decision: {})",
        what, DecisionName(demote));
    return;
  }
  failed_ = true;
  // A run that failed may still have reached OPNsense (configctl queued the
  // re-evaluation, then was killed or timed out), so what OPNsense holds is
  // unknown now: the next decision is told whatever it is, even the one the
  // latest successful run told.
  acted_.reset();
  ++counts_.failed;
  counts_.last_error = error;
  spdlog::warn(
      "cannot tell OPNsense that our decision is now \"{}\": {}; OPNsense "
      "keeps its previous CARP service status until this succeeds (retry in "
      "{} ms)",
      DecisionName(demote), error, retry_.count());
}

MetricTable ServiceStatusTrigger::Metrics() { return kMetrics; }

std::vector<prometheus::MetricFamily> ServiceStatusTrigger::Collect() const {
  const Counts c = counts();
  MetricSamples runs(kMetrics[kRuns]);
  runs.Add({"ok"}, static_cast<double>(c.ok));
  runs.Add({"failed"}, static_cast<double>(c.failed));
  return {runs.Take()};
}

}  // namespace ipv6ha
