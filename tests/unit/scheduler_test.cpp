#include "exporter/scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "tests/support/manual_clock.h"

namespace ipv6ha {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

template <typename Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

TEST(NextRunDueTest, IsOneIntervalAfterTheStart) {
  const SteadyTime t0{};
  EXPECT_EQ(NextRunDue(t0, 1000ms, t0 + 10ms), t0 + 1000ms);
}

TEST(NextRunDueTest, RunDurationDoesNotCauseDrift) {
  const SteadyTime t0{};
  // The run took 300 ms; the next one still starts 1 s after the last start.
  EXPECT_EQ(NextRunDue(t0, 1000ms, t0 + 300ms), t0 + 1000ms);
}

TEST(NextRunDueTest, OverrunStartsAtOnceWithoutCatchUp) {
  const SteadyTime t0{};
  EXPECT_EQ(NextRunDue(t0, 1000ms, t0 + 3500ms), t0 + 3500ms);
}

// A check whose Run() blocks until released (or forever).
class BlockingCheck : public Check {
 public:
  CheckResult Run(const RunContext&) override {
    std::unique_lock lock(mutex_);
    ++started_;
    cv_.wait(lock, [&] { return released_; });
    return CheckResult::Ok("released");
  }
  void Release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    cv_.notify_all();
  }
  int started() {
    std::lock_guard lock(mutex_);
    return started_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool released_ = false;
  int started_ = 0;
};

// Lets a test keep its BlockingCheck after the scheduler took the Check.
struct Forward : Check {
  std::shared_ptr<BlockingCheck> inner;
  CheckResult Run(const RunContext& c) override { return inner->Run(c); }
};

std::unique_ptr<Check> ForwardTo(std::shared_ptr<BlockingCheck> inner) {
  auto f = std::make_unique<Forward>();
  f->inner = std::move(inner);
  return f;
}

class CountingCheck : public Check {
 public:
  explicit CountingCheck(std::atomic<int>* runs) : runs_(runs) {}
  CheckResult Run(const RunContext&) override {
    ++*runs_;
    return CheckResult::Ok("counted");
  }

 private:
  std::atomic<int>* runs_;
};

CheckSettings Settings(const std::string& name,
                       std::chrono::milliseconds interval,
                       std::chrono::milliseconds timeout, RoleSet roles = {}) {
  CheckSettings s;
  s.name = name;
  s.type = "test";
  s.interval = interval;
  s.timeout = timeout;
  s.roles = roles;
  return s;
}

// A started scheduler with one check, `name`, that blocks until released.
struct OneBlockingCheck {
  OneBlockingCheck(const std::string& name, std::chrono::milliseconds timeout) {
    auto s = Settings(name, 10s, timeout);
    std::vector<ScheduledCheck> checks;
    checks.push_back({s, ForwardTo(blocking)});
    store = std::make_shared<ResultStore>(std::vector<CheckSettings>{s});
    scheduler = std::make_unique<Scheduler>(std::move(checks), store,
                                            [] { return Role::kMaster; });
    scheduler->Start();
  }
  std::shared_ptr<BlockingCheck> blocking = std::make_shared<BlockingCheck>();
  std::shared_ptr<ResultStore> store;
  std::unique_ptr<Scheduler> scheduler;
};

TEST(SchedulerTest, HungCheckIsReportedUnknownAndDoesNotDelayOthers) {
  auto blocking = std::make_shared<BlockingCheck>();
  std::atomic<int> runs{0};
  std::vector<ScheduledCheck> checks;
  auto hung_settings = Settings("hung", 10s, 100ms);
  auto fast_settings = Settings("fast", 20ms, 1s);
  checks.push_back({hung_settings, ForwardTo(blocking)});
  checks.push_back({fast_settings, std::make_unique<CountingCheck>(&runs)});
  auto store = std::make_shared<ResultStore>(
      std::vector<CheckSettings>{hung_settings, fast_settings});
  Scheduler scheduler(std::move(checks), store, [] { return Role::kMaster; });
  scheduler.Start();

  ASSERT_TRUE(WaitFor([&] { return store->Get("hung")->runs > 0; }, 5s));
  auto hung = store->Get("hung");
  EXPECT_EQ(hung->status(), CheckStatus::kUnknown);
  EXPECT_EQ(hung->result->summary, "timed out after 100ms");
  EXPECT_TRUE(hung->timed_out);
  EXPECT_EQ(hung->timeouts, 1u);
  // The fast check keeps its cadence while the other one hangs.
  EXPECT_TRUE(WaitFor([&] { return runs.load() >= 10; }, 5s));
  EXPECT_EQ(blocking->started(), 1);

  blocking->Release();
  EXPECT_TRUE(scheduler.Stop(2s));
}

TEST(SchedulerTest, LateResultOfATimedOutRunIsDropped) {
  OneBlockingCheck t("slow", 50ms);
  ASSERT_TRUE(WaitFor([&] { return t.store->Get("slow")->runs == 1; }, 5s));
  t.blocking->Release();
  // The run returns "ok" now, after its timeout: it must not replace unknown.
  std::this_thread::sleep_for(
      100ms);  // give a wrongly published result time to show
  EXPECT_EQ(t.store->Get("slow")->status(), CheckStatus::kUnknown);
  EXPECT_EQ(t.store->Get("slow")->runs, 1u);
  EXPECT_TRUE(t.scheduler->Stop(2s));
}

TEST(SchedulerTest, StopReturnsPromptlyWhileACheckIsHung) {
  OneBlockingCheck t("stuck", 10s);
  ASSERT_TRUE(WaitFor([&] { return t.blocking->started() == 1; }, 5s));
  const auto start = Clock::now();
  EXPECT_FALSE(t.scheduler->Stop(200ms));
  EXPECT_LT(Clock::now() - start, 1s);
  t.scheduler.reset();
  // The abandoned run finishes later without touching freed memory.
  t.blocking->Release();
  EXPECT_EQ(t.store->Get("stuck")->runs, 0u);
}

// Shutdown stops the checks before it stops their programs: a run ended by
// that (here: released) publishes nothing, and no run starts after it.
TEST(SchedulerTest, AfterRequestStopNoRunPublishesOrStarts) {
  OneBlockingCheck t("stuck", 10s);
  ASSERT_TRUE(WaitFor([&] { return t.blocking->started() == 1; }, 5s));
  t.scheduler->RequestStop();
  t.blocking->Release();
  t.scheduler->TriggerNow("stuck");
  // Neither a result nor a second run may show; without RequestStop both
  // would within milliseconds.
  EXPECT_FALSE(WaitFor(
      [&] {
        return t.store->Get("stuck")->runs > 0 || t.blocking->started() > 1;
      },
      300ms));
  EXPECT_TRUE(t.scheduler->Stop(2s));  // every thread joined
  EXPECT_EQ(t.store->Get("stuck")->runs, 0u);
  EXPECT_EQ(t.blocking->started(), 1);
}

// Records the thread that destroys it.
class DestructionWitness : public Check {
 public:
  explicit DestructionWitness(std::atomic<std::thread::id>* destroyed_on)
      : destroyed_on_(destroyed_on) {}
  ~DestructionWitness() override {
    *destroyed_on_ = std::this_thread::get_id();
  }
  CheckResult Run(const RunContext&) override { return CheckResult::Ok("ran"); }

 private:
  std::atomic<std::thread::id>* destroyed_on_;
};

// A check may own process-wide resources (a peer check's TLS context): it
// must not be destroyed by a worker thread that outlives the scheduler and
// races the process's exit handlers. Without a grace period too.
TEST(SchedulerTest, ChecksOfACleanStopAreDestroyedOnTheStoppingThread) {
  for (int i = 0; i < 20; ++i) {
    std::atomic<std::thread::id> destroyed_on{};
    auto s = Settings("witness", 10s, 1s);
    std::vector<ScheduledCheck> checks;
    checks.push_back({s, std::make_unique<DestructionWitness>(&destroyed_on)});
    auto store = std::make_shared<ResultStore>(std::vector<CheckSettings>{s});
    {
      Scheduler scheduler(std::move(checks), store,
                          [] { return Role::kMaster; });
      scheduler.Start();
      ASSERT_TRUE(
          WaitFor([&] { return store->Get("witness")->runs == 1; }, 5s));
      if (i % 2 == 0) EXPECT_TRUE(scheduler.Stop(2s));
    }  // odd rounds: the destructor stops it with no grace
    EXPECT_EQ(destroyed_on.load(), std::this_thread::get_id()) << "round " << i;
  }
}

TEST(SchedulerTest, CheckOutsideItsRolesIsNotRun) {
  std::atomic<int> runs{0};
  RoleSet master_only;
  master_only.backup = master_only.init = master_only.unknown = false;
  auto s = Settings("master_only", 20ms, 1s, master_only);
  std::vector<ScheduledCheck> checks;
  checks.push_back({s, std::make_unique<CountingCheck>(&runs)});
  auto store = std::make_shared<ResultStore>(std::vector<CheckSettings>{s});
  std::atomic<Role> role{Role::kBackup};
  Scheduler scheduler(std::move(checks), store, [&] { return role.load(); });
  scheduler.Start();
  ASSERT_TRUE(
      WaitFor([&] { return !store->Get("master_only")->applicable; }, 5s));
  EXPECT_EQ(runs.load(), 0);
  EXPECT_TRUE(store->Ready());  // a check that does not apply is not awaited
  role = Role::kMaster;
  scheduler.TriggerNow("master_only");
  EXPECT_TRUE(WaitFor([&] { return runs.load() > 0; }, 5s));
  EXPECT_TRUE(
      WaitFor([&] { return store->Get("master_only")->applicable; }, 5s));
  EXPECT_TRUE(scheduler.Stop(2s));
}

TEST(SchedulerTest, TriggerRunsACheckBeforeItsInterval) {
  std::atomic<int> runs{0};
  auto s = Settings("slow_interval", 1h, 1s);
  std::vector<ScheduledCheck> checks;
  checks.push_back({s, std::make_unique<CountingCheck>(&runs)});
  auto store = std::make_shared<ResultStore>(std::vector<CheckSettings>{s});
  Scheduler scheduler(std::move(checks), store, [] { return Role::kMaster; });
  scheduler.Start();
  ASSERT_TRUE(WaitFor([&] { return runs.load() == 1; }, 5s));
  scheduler.TriggerNow("slow_interval");
  EXPECT_TRUE(WaitFor([&] { return runs.load() == 2; }, 5s));
  EXPECT_TRUE(scheduler.Stop(2s));
}

TEST(SchedulerTest, ThrowingCheckIsUnknownWithTheReason) {
  struct Throwing : Check {
    CheckResult Run(const RunContext&) override {
      throw std::runtime_error("boom");
    }
  };
  auto s = Settings("throws", 1h, 1s);
  std::vector<ScheduledCheck> checks;
  checks.push_back({s, std::make_unique<Throwing>()});
  auto store = std::make_shared<ResultStore>(std::vector<CheckSettings>{s});
  Scheduler scheduler(std::move(checks), store, [] { return Role::kMaster; });
  scheduler.Start();
  ASSERT_TRUE(WaitFor([&] { return store->Get("throws")->runs == 1; }, 5s));
  EXPECT_EQ(store->Get("throws")->status(), CheckStatus::kUnknown);
  EXPECT_EQ(store->Get("throws")->result->summary,
            "check failed internally: boom");
  EXPECT_TRUE(scheduler.Stop(2s));
}

// Runs `check` once as a MASTER on a scheduler whose store reads `clock`;
// returns the store after the run was published and the scheduler stopped.
std::shared_ptr<ResultStore> RunOnceOn(const testing::ManualClock& clock,
                                       const CheckSettings& s,
                                       std::unique_ptr<Check> check) {
  std::vector<ScheduledCheck> checks;
  checks.push_back({s, std::move(check)});
  auto store =
      std::make_shared<ResultStore>(std::vector<CheckSettings>{s}, clock);
  Scheduler scheduler(std::move(checks), store, [] { return Role::kMaster; });
  scheduler.Start();
  EXPECT_TRUE(WaitFor([&] { return store->Get(s.name)->runs == 1; }, 5s));
  EXPECT_TRUE(scheduler.Stop(2s));
  return store;
}

// A run is dated by the store's clock: it starts at the clock's wall time
// and ends its duration later.
TEST(SchedulerTest, RunsAreDatedByTheStoresClock) {
  testing::ManualClock clock;
  std::atomic<int> runs{0};
  auto s = Settings("counted", 10s, 1s);
  auto store = RunOnceOn(clock, s, std::make_unique<CountingCheck>(&runs));
  ASSERT_EQ(store->Get("counted")->runs, 1u);
  const auto r = store->Get("counted");
  EXPECT_EQ(r->last_run_end,
            clock.WallNow() +
                std::chrono::duration_cast<std::chrono::system_clock::duration>(
                    r->last_duration));
}

// A check that keeps the context of its latest run in `*seen` (read it
// after the scheduler stopped: Stop() joins the worker).
class ContextCheck : public Check {
 public:
  explicit ContextCheck(RunContext* seen) : seen_(seen) {}
  CheckResult Run(const RunContext& context) override {
    *seen_ = context;
    return CheckResult::Ok("seen");
  }

 private:
  RunContext* seen_;
};

// Both run-start times come from the store's clock, and the deadline a check
// is given is its timeout after the steady one: a ManualClock fixes all three.
TEST(SchedulerTest, RunStartTimesComeFromTheStoresClock) {
  testing::ManualClock clock;
  clock.Advance(90min);
  auto s = Settings("timed", 10s, 3s);
  RunContext c;
  auto store = RunOnceOn(clock, s, std::make_unique<ContextCheck>(&c));
  ASSERT_EQ(store->Get("timed")->runs, 1u);
  EXPECT_EQ(c.wall_now, clock.WallNow());
  EXPECT_EQ(c.steady_now, clock.SteadyNow());
  EXPECT_EQ(c.deadline, clock.SteadyNow() + 3s);
  EXPECT_EQ(c.role, Role::kMaster);
}

}  // namespace
}  // namespace ipv6ha
