#include "exporter/demotion/demotion_service.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <fstream>
#include <thread>

#include "exporter/demotion/track_file_sink.h"
#include "exporter/platform/atomic_file.h"
#include "tests/support/exporter_process.h"
#include "tests/unit/demotion_test_world.h"

namespace ipv6ha {
namespace {

using std::chrono::seconds;
using testing::DemotionWorld;
using testing::FailThrice;
using testing::Names;
using testing::Recorded;
constexpr auto kFail = CheckStatus::kFail;
constexpr auto kOk = CheckStatus::kOk;
constexpr auto kUnknown = CheckStatus::kUnknown;

TEST(DemotionService, DemotesOnTheCounterAndRecordsItBeforeAndAfter) {
  DemotionWorld w;
  w.counter->value = 1 << 20;
  auto s = w.Started();
  FailThrice(w, *s, 0);
  EXPECT_EQ(s->applied(), 50);
  EXPECT_EQ(w.counter_value(), (1 << 20) + 50);
  const DemotionState state = Recorded(w);
  EXPECT_EQ(state.applied, 50);
  EXPECT_FALSE(state.pending.has_value());
  EXPECT_EQ(Names(state.contributing), std::vector<std::string>{"nptv6_rules"});
  const auto status = s->Status();
  EXPECT_EQ(status["desired"], 50);
  EXPECT_EQ(status["applied"], 50);
  EXPECT_EQ(status["reason"],
            "demoting by 50: nptv6_rules failed 3x on MASTER, peer fw2 ready");
}

// The service status trigger learns each decision this way, on the
// evaluating thread, once Status() already shows it.
TEST(DemotionService, EachEvaluationIsHandedOnOnceStatusShowsIt) {
  DemotionWorld w;
  std::unique_ptr<DemotionService> s;
  std::vector<int> handed, shown;
  w.published = [&](const Decision& d) {
    handed.push_back(d.desired);
    shown.push_back(s ? s->Status()["desired"].get<int>() : -1);
  };
  s = w.Make();
  s->Start();
  FailThrice(w, *s, 0);
  ASSERT_EQ(handed.size(), 4u);  // Start() and three evaluations
  EXPECT_EQ(handed.back(), 50);
  EXPECT_EQ(shown, handed);
}

TEST(DemotionService, EveryQueuedResultCountsOnceWhateverTheEvaluationPace) {
  DemotionWorld w;
  auto s = w.Started();
  CheckRecord r;
  r.settings = w.settings[0];
  r.result = CheckResult{kFail, "", nlohmann::json::object(), {}};
  for (int i = 0; i < 3; ++i) s->OnResult(r);  // three runs, no evaluation
  EXPECT_EQ(s->applied(), 0);
  const Decision d = s->EvaluateNow();
  EXPECT_EQ(d.checks.at(0).consecutive_fail, 3);
  EXPECT_EQ(s->applied(), 50);
  EXPECT_EQ(s->EvaluateNow().checks.at(0).consecutive_fail, 3)
      << "a second evaluation sees nothing new";
}

TEST(DemotionService, CleanStopWithdrawsExactlyOurContribution) {
  DemotionWorld w;
  w.counter->value = 240;  // the kernel's own, for a downed interface
  auto s = w.Started();
  FailThrice(w, *s, 1);
  ASSERT_EQ(w.counter_value(), 340);
  s->Shutdown();
  EXPECT_EQ(w.counter_value(), 240);
  EXPECT_EQ(Recorded(w).applied, 0);
  EXPECT_TRUE(Recorded(w).contributing.empty());
}

TEST(DemotionService, CleanStopAtZeroStillRecordsNothingContributing) {
  DemotionWorld w;
  w.counter->fail_writes = true;  // the share is recorded but never applied
  {
    auto s = w.Make();
    s->Start();
    FailThrice(w, *s, 0);
    ASSERT_EQ(s->applied(), 0);
    ASSERT_EQ(Names(Recorded(w).contributing),
              std::vector<std::string>{"nptv6_rules"});
    s->Shutdown();
  }
  EXPECT_EQ(Recorded(w).applied, 0);
  EXPECT_TRUE(Recorded(w).contributing.empty());
  w.counter->fail_writes = false;
  auto next = w.Started();
  EXPECT_EQ(next->Status()["desired"], 0) << "nothing restored after a stop";
  EXPECT_EQ(w.writes(), 0u);
}

TEST(DemotionService, DryRunComputesAndReportsButWritesNothing) {
  DemotionWorld w;
  w.config.dry_run = true;
  auto s = w.Started();
  FailThrice(w, *s, 0);
  s->Shutdown();
  EXPECT_EQ(w.writes(), 0u);
  EXPECT_FALSE(std::filesystem::exists(w.config.state_file));
  const auto status = s->Status();
  EXPECT_EQ(status["desired"], 50);
  EXPECT_EQ(status["applied"], 0);
  EXPECT_EQ(status["suppressed"], nlohmann::json::array({"dry_run"}));
}

TEST(DemotionService, UnwritableStateFileBlocksTheSinkUntilItIsWritableAgain) {
  DemotionWorld w;
  const auto blocker = w.dir() / "blocker";
  { std::ofstream(blocker) << "a file where a directory should be"; }
  w.config.state_file = (blocker / "state.json").string();
  auto s = w.Started();
  FailThrice(w, *s, 0);
  EXPECT_EQ(w.writes(), 0u);
  EXPECT_EQ(s->applied(), 0);
  EXPECT_NE(s->Status()["state_file"]["error"].get<std::string>(), "");
  std::filesystem::remove(blocker);
  s->EvaluateNow();
  EXPECT_EQ(s->applied(), 50);
  EXPECT_EQ(w.counter_value(), 50);
  EXPECT_EQ(s->Status()["state_file"]["error"], "");
}

TEST(DemotionService, SinkErrorsAreCountedAndRetried) {
  DemotionWorld w;
  w.counter->fail_writes = true;
  auto s = w.Started();
  FailThrice(w, *s, 0);
  EXPECT_EQ(s->applied(), 0);
  EXPECT_EQ(s->Status()["sink_error"], "fake counter refuses writes");
  w.counter->fail_writes = false;
  s->EvaluateNow();
  EXPECT_EQ(w.counter_value(), 50);
  EXPECT_EQ(s->Status()["sink_error"], "");
}

TEST(DemotionService, RecoveryWithdrawsAfterRiseAndHoldDown) {
  DemotionWorld w;
  auto s = w.Started();
  FailThrice(w, *s, 0);
  w.Publish(*s, 0, kOk);
  w.Publish(*s, 0, kOk);
  EXPECT_EQ(s->applied(), 50) << "hold_down running";
  w.Advance(seconds(11));
  s->EvaluateNow();
  EXPECT_EQ(s->applied(), 0);
  EXPECT_EQ(w.counter_value(), 0);
}

// The last decisions (landing page, controller.decisions) list changes of
// the decision: an observe-only check going down and up under the same
// demotion changes the logged reason ("failed 4x", "failed 5x") but not
// the decision, so it adds no entry; a recovery does.
TEST(DemotionService, DecisionHistoryIgnoresAnObserveOnlyCheckComingAndGoing) {
  DemotionWorld w;
  w.settings.push_back(
      DemotionWorld::Settings("peer_reachability", Scope::kLocal, 0));
  auto s = w.Started();
  FailThrice(w, *s, 0);
  const std::vector<StatusDecision> before = s->Report().decisions;
  ASSERT_FALSE(before.empty());
  ASSERT_EQ(before.back().reason,
            "demoting by 50: nptv6_rules failed 3x on MASTER, peer fw2 ready");
  // Down after three failures, recovering after two successes.
  for (CheckStatus observed : {kFail, kFail, kFail, kOk, kOk}) {
    w.Publish(*s, 3, observed);
    w.Publish(*s, 0, kFail);
  }
  EXPECT_EQ(s->Report().decisions.size(), before.size());
  EXPECT_EQ(s->Report().decisions.back().reason, before.back().reason);

  w.Publish(*s, 0, kOk);
  w.Publish(*s, 0, kOk);
  w.Advance(seconds(11));
  s->EvaluateNow();
  const auto after = s->Report().decisions;
  ASSERT_GT(after.size(), before.size());
  EXPECT_EQ(after.back().desired, 0);
  EXPECT_EQ(after.back().reason, "not demoting: all weighted checks healthy");
}

// The decision log is stamped with the service's clock, not the system's:
// the demotion at the world's start, the recovery once the manual clock
// has moved past hold_down.
TEST(DemotionService, DecisionLogIsStampedWithTheServiceClock) {
  DemotionWorld w;
  auto s = w.Started();
  FailThrice(w, *s, 0);
  ASSERT_FALSE(s->Report().decisions.empty());
  EXPECT_EQ(s->Report().decisions.back().time, "2026-12-01T12:00:00Z");
  w.Publish(*s, 0, kOk);
  w.Publish(*s, 0, kOk);
  w.Advance(seconds(11));
  s->EvaluateNow();
  EXPECT_EQ(s->Report().decisions.back().desired, 0);
  EXPECT_EQ(s->Report().decisions.back().time, "2026-12-01T12:00:11Z");
}

TEST(DemotionService, MetricsCarryOneSeriesPerSuppressionReasonAndTheLeases) {
  DemotionWorld w;
  w.SetPeerReady(false);
  auto s = w.Started();
  FailThrice(w, *s, 0);
  FailThrice(w, *s, 1);
  w.SetPeerReady(true);
  s->EvaluateNow();
  w.Publish(*s, 1, kUnknown);
  int reasons = 0;
  double lease = -1, held = -1;
  for (const auto& f : s->Collect()) {
    for (const auto& m : f.metric) {
      if (f.name == "ipv6_ha_demotion_suppressed") ++reasons;
      if (m.label.empty() || m.label.at(0).value != "prefix_freshness")
        continue;
      if (f.name == "ipv6_ha_demotion_lease_remaining_seconds")
        lease = m.gauge.value;
      if (f.name == "ipv6_ha_demotion_share_held") held = m.gauge.value;
    }
  }
  EXPECT_EQ(reasons, 6);
  EXPECT_EQ(lease, 300);
  EXPECT_EQ(held, 1);
}

// A sink that blocks until released, like a `command` sink near its 10 s.
class GateValue : public DemotionValue {
 public:
  struct Gate {
    std::mutex mutex;
    std::condition_variable cv;
    bool open = false;
    int waiting = 0;
  };
  explicit GateValue(std::shared_ptr<Gate> g) : g_(std::move(g)) {}
  Status Write(int to, int) override {
    std::unique_lock lock(g_->mutex);
    if (to == 0) return OkStatus();
    ++g_->waiting;
    g_->cv.notify_all();
    g_->cv.wait(lock, [&] { return g_->open; });
    return OkStatus();
  }

 private:
  std::shared_ptr<Gate> g_;
};

TEST(DemotionService, ListenersNeverWaitForTheSink) {
  DemotionWorld w;
  w.config.fall = 1;
  auto gate = std::make_shared<GateValue::Gate>();
  auto s = w.Make(std::make_unique<AbsoluteSink>(
      "command", std::make_unique<GateValue>(gate)));
  s->Start();
  s->StartThread(std::chrono::milliseconds(20));
  CheckRecord r;
  r.settings = w.settings[0];
  r.result = CheckResult{kFail, "", nlohmann::json::object(), {}};
  s->OnResult(r);
  {
    std::unique_lock lock(gate->mutex);
    ASSERT_TRUE(
        gate->cv.wait_for(lock, seconds(5), [&] { return gate->waiting > 0; }));
  }
  // The controller thread is inside the sink; a worker publishing now
  // returns at once, and the status is still served.
  const auto before = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) s->OnResult(r);
  EXPECT_TRUE(s->Status().contains("reason"));
  EXPECT_LT(std::chrono::steady_clock::now() - before, seconds(1));
  {
    std::lock_guard lock(gate->mutex);
    gate->open = true;
  }
  gate->cv.notify_all();
  EXPECT_TRUE(testing::WaitFor([&] { return s->applied() == 50; }, seconds(5)));
  s->Shutdown();
}

TEST(DemotionService, ThreadWithdrawsWhenHoldDownExpiresWithoutNewResults) {
  DemotionWorld w;
  w.config.hold_down = std::chrono::milliseconds(50);
  auto s = w.Started();
  FailThrice(w, *s, 0);
  w.Publish(*s, 0, kOk);
  w.Publish(*s, 0, kOk);
  ASSERT_EQ(s->applied(), 50);
  s->StartThread(std::chrono::milliseconds(10));
  w.Advance(seconds(1));  // the thread evaluates on its own
  EXPECT_TRUE(testing::WaitFor([&] { return s->applied() == 0; }, seconds(5)));
  s->Shutdown();
}

}  // namespace
}  // namespace ipv6ha
