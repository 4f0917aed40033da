#pragma once

// Runs every check on its own interval, each on its own worker thread, with a
// hard timeout watched by a supervisor thread: a slow or hung check never
// delays another check or a scrape, and is published as unknown ("timed out
// after 2s") when it overruns. A late result of a timed-out run is dropped.
//
// Lifetime: the worker threads share ownership of the checks and the store,
// so a check still hung at Stop() may be abandoned safely; it finishes later
// and exits without touching anything else. Every other thread is joined by
// Stop(), so the checks of a clean stop are destroyed on the stopping thread.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "checks/check.h"
#include "checks/check_registry.h"
#include "exporter/store/result_store.h"

namespace ipv6ha {

struct ScheduledCheck {
  CheckSettings settings;
  std::unique_ptr<Check> check;
};

// Builds each configured check (CheckSpec::create) for the scheduler, in
// the specs' order.
std::vector<ScheduledCheck> BuildScheduledChecks(
    const std::vector<CheckSpec>& specs);

using SteadyTime = std::chrono::steady_clock::time_point;

// When the run after one that started at `last_start` is due: one interval
// later, or at once when the run itself took longer than that (no catch-up
// bursts, no drift from the run's duration).
SteadyTime NextRunDue(SteadyTime last_start, std::chrono::milliseconds interval,
                      SteadyTime now);

class Scheduler {
 public:
  using RoleFn = std::function<Role()>;
  // Whether the CARP vhids disagree (RunContext::role_mixed); may be null.
  using MixedFn = std::function<bool()>;

  Scheduler(std::vector<ScheduledCheck> checks,
            std::shared_ptr<ResultStore> store, RoleFn role,
            MixedFn mixed = nullptr);
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;
  ~Scheduler();  // Stop(0) if still running

  void Start();
  // Asks every worker to stop without waiting: no run starts or publishes a
  // result after it (a run in progress finishes unpublished). Stop() waits.
  void RequestStop();
  // Asks every worker to stop and waits up to `grace`. Returns false when a
  // check was still running then (it is abandoned, see above).
  bool Stop(std::chrono::milliseconds grace);
  // Runs the named check as soon as its worker is free (file watch, role
  // change); unknown names are ignored.
  void TriggerNow(const std::string& name);
  void TriggerAll();

  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
  // Workers in order, then the supervisor; joined or (hung) detached by Stop.
  std::vector<std::thread> threads_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace ipv6ha
