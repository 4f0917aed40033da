#pragma once

// The latest result of every configured check, plus the framework's own
// per-check metrics (status, duration, runs, timeouts). It is a prometheus
// Collectable: a scrape reads what is stored and never runs a check.
// Thread safe: workers publish while HTTP threads and the controller read.

#include <prometheus/collectable.h>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "checks/check.h"
#include "checks/check_registry.h"
#include "checks/metric_table.h"
#include "exporter/platform/clock.h"

namespace ipv6ha {

struct CheckRecord {
  CheckSettings settings;
  std::optional<CheckResult> result;  // empty until the first run ends
  bool applicable = true;  // false when the role excludes it or the run
                           // said it does not apply (NotApplicable)
  bool timed_out = false;  // the latest result is a timeout
  std::chrono::system_clock::time_point last_run_end{};
  std::chrono::steady_clock::time_point last_run_end_steady{};
  std::chrono::nanoseconds last_duration{0};
  std::uint64_t runs = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t status_changes = 0;

  CheckStatus status() const {
    return result ? result->status : CheckStatus::kUnknown;
  }
};

class ResultStore : public prometheus::Collectable {
 public:
  using Listener = std::function<void(const CheckRecord&)>;

  // `clock` stamps the end of a run; it must outlive the store.
  explicit ResultStore(const std::vector<CheckSettings>& checks,
                       const Clock& clock = SystemClock());

  // Stores the outcome of one run and tells the listeners. `started` is the
  // wall-clock start of the run; the run's end is then started + duration,
  // whenever the result reaches the store. Without it, the end is the
  // clock's now.
  void Publish(const std::string& name, CheckResult result,
               std::chrono::nanoseconds duration, bool timed_out,
               std::optional<std::chrono::system_clock::time_point> started =
                   std::nullopt);
  // Marks a check as not applicable in the current role (not run) and
  // tells the listeners (once per change to not applicable).
  void MarkNotApplicable(const std::string& name, Role role);

  std::vector<CheckRecord> Snapshot() const;
  std::optional<CheckRecord> Get(const std::string& name) const;
  // True once every applicable check has a first result.
  bool Ready() const;
  // The applicable checks still without a first result, in config order;
  // empty exactly when Ready().
  std::vector<std::string> AwaitingFirstResult() const;
  // Called after every Publish and MarkNotApplicable, on the calling
  // thread, without the lock.
  void AddListener(Listener listener);

  // The framework's per-check families, then every check's own samples,
  // each labelled check="<instance>" by the store (checks/metric_table.h).
  std::vector<prometheus::MetricFamily> Collect() const override;
  // The table of the framework's per-check families.
  static MetricTable Metrics();
  // The clock that dates the runs (the scheduler stamps a run's start with
  // it too).
  const Clock& clock() const { return clock_; }

 private:
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::vector<std::string> order_;
  std::map<std::string, CheckRecord> records_;
  std::vector<Listener> listeners_;
};

}  // namespace ipv6ha
