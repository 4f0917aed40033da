#include "exporter/scheduler.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "exporter/base/duration.h"

namespace ipv6ha {

using SteadyClock = std::chrono::steady_clock;

// How long Stop() waits for threads that are between runs to notice it.
constexpr auto kIdleExitBound = std::chrono::seconds(1);

std::vector<ScheduledCheck> BuildScheduledChecks(
    const std::vector<CheckSpec>& specs) {
  std::vector<ScheduledCheck> checks;
  checks.reserve(specs.size());
  for (const auto& spec : specs)
    checks.push_back({spec.settings, spec.create()});
  return checks;
}

SteadyTime NextRunDue(SteadyTime last_start, std::chrono::milliseconds interval,
                      SteadyTime now) {
  SteadyTime due = last_start + interval;
  return due < now ? now : due;
}

struct Worker {
  ScheduledCheck check;
  bool triggered = true;  // the first run starts at once
  bool in_flight = false;
  bool timeout_reported = false;
  SteadyTime run_deadline{};
  SteadyTime run_start{};
  std::chrono::system_clock::time_point run_start_wall{};
  bool exited = false;
};

struct Scheduler::Shared {
  std::mutex mutex;
  std::condition_variable wake;  // workers and supervisor
  bool stopping = false;
  std::vector<std::unique_ptr<Worker>> workers;
  std::shared_ptr<ResultStore> store;
  RoleFn role;
  MixedFn mixed;
  int running_threads = 0;
  bool supervisor_exited = false;
  std::condition_variable exited;
};

namespace {

using SharedPtr = std::shared_ptr<Scheduler::Shared>;

CheckResult RunGuarded(Check& check, const RunContext& context) {
  try {
    return check.Run(context);
  } catch (const std::exception& e) {
    return CheckResult::Unknown(std::string("check failed internally: ") +
                                e.what());
  } catch (...) {
    return CheckResult::Unknown("check failed internally");
  }
}

// The run-start values a check judges against, both from the store's clock
// (a ManualClock in tests drives them); the scheduler's own waits and the
// supervisor's deadline stay on the real steady clock. Called with the lock
// held (role_mixed is read after it is released); records the wall start
// for the supervisor's timeout result.
RunContext StartContext(Scheduler::Shared& shared, Worker& w, Role role) {
  const Clock& clock = shared.store->clock();
  w.run_start_wall = clock.WallNow();
  const SteadyClockTime steady = clock.SteadyNow();
  return RunContext{role, steady + w.check.settings.timeout, false,
                    w.run_start_wall, steady};
}

void WorkerLoop(SharedPtr shared, Worker* w) {
  std::unique_lock lock(shared->mutex);
  SteadyTime next_due = SteadyClock::now();
  const auto interval = w->check.settings.interval;
  const auto timeout = w->check.settings.timeout;
  while (!shared->stopping) {
    shared->wake.wait_until(lock, next_due, [&] {
      return shared->stopping || w->triggered || SteadyClock::now() >= next_due;
    });
    if (shared->stopping) break;
    w->triggered = false;
    lock.unlock();
    const Role role = shared->role ? shared->role() : Role::kUnknown;
    if (!w->check.settings.roles.Contains(role)) {
      shared->store->MarkNotApplicable(w->check.settings.name, role);
      lock.lock();
      next_due = SteadyClock::now() + interval;
      continue;
    }
    lock.lock();
    if (shared->stopping) break;  // RequestStop() while the role was read
    const SteadyTime start = SteadyClock::now();
    w->in_flight = true;
    w->timeout_reported = false;
    w->run_start = start;
    w->run_deadline = start + timeout;
    RunContext context = StartContext(*shared, *w, role);
    const auto started = context.wall_now;
    shared->wake.notify_all();  // the supervisor learns the new deadline
    lock.unlock();

    context.role_mixed = shared->mixed ? shared->mixed() : false;
    CheckResult result = RunGuarded(*w->check.check, context);
    const auto took = SteadyClock::now() - start;

    lock.lock();
    w->in_flight = false;
    const bool late = w->timeout_reported;
    if (!late && !shared->stopping) {
      lock.unlock();
      shared->store->Publish(w->check.settings.name, std::move(result), took,
                             false, started);
      lock.lock();
    } else if (late) {
      spdlog::debug("check {}: dropping result that arrived after its timeout",
                    w->check.settings.name);
    }
    next_due = NextRunDue(start, interval, SteadyClock::now());
  }
  w->exited = true;
  --shared->running_threads;
  shared->exited.notify_all();
}

void SupervisorLoop(const SharedPtr& shared) {
  std::unique_lock lock(shared->mutex);
  while (!shared->stopping) {
    SteadyTime earliest = SteadyTime::max();
    const SteadyTime now = SteadyClock::now();
    for (auto& w : shared->workers) {
      if (!w->in_flight || w->timeout_reported) continue;
      if (w->run_deadline <= now) {
        w->timeout_reported = true;
        const std::string name = w->check.settings.name;
        const auto timeout = w->check.settings.timeout;
        const auto took = now - w->run_start;
        const auto started = w->run_start_wall;
        lock.unlock();
        spdlog::warn("check {} timed out after {}", name,
                     FormatDuration(timeout));
        shared->store->Publish(
            name,
            CheckResult::Unknown("timed out after " + FormatDuration(timeout)),
            took, true, started);
        lock.lock();
        earliest = SteadyClock::now();  // rescan: the list may have changed
        break;
      }
      earliest = std::min(earliest, w->run_deadline);
    }
    if (shared->stopping) break;
    if (earliest == SteadyTime::max()) {
      shared->wake.wait(lock);
    } else {
      shared->wake.wait_until(lock, earliest);
    }
  }
  shared->supervisor_exited = true;
  --shared->running_threads;
  shared->exited.notify_all();
}

}  // namespace

Scheduler::Scheduler(std::vector<ScheduledCheck> checks,
                     std::shared_ptr<ResultStore> store, RoleFn role,
                     MixedFn mixed)
    : shared_(std::make_shared<Shared>()) {
  shared_->store = std::move(store);
  shared_->role = std::move(role);
  shared_->mixed = std::move(mixed);
  for (auto& c : checks) {
    auto w = std::make_unique<Worker>();
    w->check = std::move(c);
    shared_->workers.push_back(std::move(w));
  }
}

Scheduler::~Scheduler() {
  if (started_ && !stopped_) Stop(std::chrono::milliseconds(0));
}

void Scheduler::Start() {
  if (started_) return;
  started_ = true;
  std::lock_guard lock(shared_->mutex);
  shared_->running_threads = static_cast<int>(shared_->workers.size()) + 1;
  for (auto& w : shared_->workers) {
    threads_.emplace_back(WorkerLoop, shared_, w.get());
  }
  threads_.emplace_back(SupervisorLoop, shared_);
}

void Scheduler::RequestStop() {
  std::lock_guard lock(shared_->mutex);
  shared_->stopping = true;
  shared_->wake.notify_all();
}

bool Scheduler::Stop(std::chrono::milliseconds grace) {
  if (!started_ || stopped_) return true;
  stopped_ = true;
  std::unique_lock lock(shared_->mutex);
  shared_->stopping = true;
  shared_->wake.notify_all();
  const bool all = shared_->exited.wait_for(
      lock, grace, [&] { return shared_->running_threads == 0; });
  // Threads that are not inside a run leave at once; wait for them too, so
  // that only a hung check is abandoned, even with no grace.
  shared_->exited.wait_for(lock, kIdleExitBound, [&] {
    for (const auto& w : shared_->workers) {
      if (!w->exited && !w->in_flight) return false;
    }
    return shared_->supervisor_exited;
  });
  std::vector<bool> exited;
  for (auto& w : shared_->workers) {
    exited.push_back(w->exited);
    if (!w->exited) {
      spdlog::warn("check {} is still running at shutdown; abandoning it",
                   w->check.settings.name);
    }
  }
  exited.push_back(shared_->supervisor_exited);
  lock.unlock();
  // Joined threads have dropped their share of the checks, so the checks are
  // destroyed here, on this thread, and not by a worker racing the process's
  // exit (OpenSSL's atexit cleanup against a peer check's TLS context).
  for (std::size_t i = 0; i < threads_.size(); ++i) {
    if (exited[i]) {
      threads_[i].join();
    } else {
      threads_[i].detach();
    }
  }
  threads_.clear();
  return all;
}

void Scheduler::TriggerNow(const std::string& name) {
  std::lock_guard lock(shared_->mutex);
  for (auto& w : shared_->workers) {
    if (w->check.settings.name == name) w->triggered = true;
  }
  shared_->wake.notify_all();
}

void Scheduler::TriggerAll() {
  std::lock_guard lock(shared_->mutex);
  for (auto& w : shared_->workers) w->triggered = true;
  shared_->wake.notify_all();
}

}  // namespace ipv6ha
