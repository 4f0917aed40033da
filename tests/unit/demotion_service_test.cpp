#include "exporter/demotion/demotion_service.h"

#include <gtest/gtest.h>

#include <fstream>

#include "exporter/demotion/track_file_sink.h"
#include "exporter/platform/atomic_file.h"
#include "tests/support/exporter_process.h"
#include "tests/unit/demotion_test_world.h"

namespace ipv6ha {
namespace {

using testing::DemotionWorld;
constexpr auto kFail = CheckStatus::kFail;
constexpr auto kOk = CheckStatus::kOk;

ControllerTime Now() { return ControllerClock::now(); }

void FailThrice(DemotionWorld& w, DemotionService& s, std::size_t check) {
  for (int i = 0; i < 3; ++i) w.Publish(s, check, kFail);
}

TEST(DemotionService, DemotesOnTheCounterAndRecordsItBeforeAndAfter) {
  DemotionWorld w;
  w.counter->value = 1 << 20;
  auto s = w.Make();
  s->Start(Now());
  FailThrice(w, *s, 0);
  EXPECT_EQ(s->applied(), 50);
  EXPECT_EQ(w.counter_value(), (1 << 20) + 50);
  auto state = DemotionStateStore(w.config.state_file).Load();
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_EQ((*state)->applied, 50);
  EXPECT_FALSE((*state)->pending.has_value());
  EXPECT_EQ((*state)->down, std::vector<std::string>{"nptv6_rules"});
  const auto status = s->Status();
  EXPECT_EQ(status["desired"], 50);
  EXPECT_EQ(status["applied"], 50);
  EXPECT_EQ(status["reason"],
            "demoting by 50: nptv6_rules failed 3x on MASTER, peer fw2 ready");
}

TEST(DemotionService, CleanStopWithdrawsExactlyOurContribution) {
  DemotionWorld w;
  w.counter->value = 240;  // the kernel's own, for a downed interface
  auto s = w.Make();
  s->Start(Now());
  FailThrice(w, *s, 1);
  ASSERT_EQ(w.counter_value(), 340);
  s->Shutdown();
  EXPECT_EQ(w.counter_value(), 240);
  EXPECT_EQ((*DemotionStateStore(w.config.state_file).Load())->applied, 0);
}

TEST(DemotionService, KeepOnExitLeavesTheContributionAndTheNextStartAdoptsIt) {
  DemotionWorld w;
  w.config.keep_on_exit = true;
  {
    auto s = w.Make();
    s->Start(Now());
    FailThrice(w, *s, 0);
    s->Shutdown();
  }
  EXPECT_EQ(w.counter_value(), 50);
  auto again = w.Make();
  again->Start(Now());
  EXPECT_EQ(again->applied(), 50);
  EXPECT_EQ(w.counter_value(), 50) << "nothing applied twice";
  EXPECT_EQ(w.writes(), 1u);
}

TEST(DemotionService, DryRunComputesAndReportsButWritesNothing) {
  DemotionWorld w;
  w.config.dry_run = true;
  auto s = w.Make();
  s->Start(Now());
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
  auto s = w.Make();
  s->Start(Now());
  FailThrice(w, *s, 0);
  EXPECT_EQ(w.writes(), 0u);
  EXPECT_EQ(s->applied(), 0);
  EXPECT_NE(s->Status()["state_file"]["error"].get<std::string>(), "");
  std::filesystem::remove(blocker);
  s->Evaluate(Now());
  EXPECT_EQ(s->applied(), 50);
  EXPECT_EQ(w.counter_value(), 50);
  EXPECT_EQ(s->Status()["state_file"]["error"], "");
}

TEST(DemotionService, SinkErrorsAreCountedAndRetried) {
  DemotionWorld w;
  w.counter->fail_writes = true;
  auto s = w.Make();
  s->Start(Now());
  FailThrice(w, *s, 0);
  EXPECT_EQ(s->applied(), 0);
  EXPECT_EQ(s->Status()["sink_error"], "fake counter refuses writes");
  w.counter->fail_writes = false;
  s->Evaluate(Now());
  EXPECT_EQ(w.counter_value(), 50);
  EXPECT_EQ(s->Status()["sink_error"], "");
}

TEST(DemotionService, RestartAfterCrashKeepsTheDownCheckAndItsContribution) {
  DemotionWorld w;
  {
    auto s = w.Make();
    s->Start(Now());
    FailThrice(w, *s, 0);
    // destroyed without Shutdown(): a crash as far as the sink is concerned
  }
  auto again = w.Make();
  again->Start(Now());
  EXPECT_EQ(again->applied(), 50);
  EXPECT_EQ(again->Status()["desired"], 50);
  EXPECT_EQ(w.counter_value(), 50);
}

TEST(DemotionService, RebootResetsTheRecordedContribution) {
  DemotionWorld w;
  {
    auto s = w.Make();
    s->Start(Now());
    FailThrice(w, *s, 0);
  }
  w.counter->value = 0;
  w.counter->epoch = "boot-2";
  w.role = Role::kBackup;  // came back as BACKUP; its check still counts down
  auto again = w.Make();
  again->Start(Now());
  EXPECT_EQ(w.counter_value(), 50) << "re-applied once on the fresh counter";
  EXPECT_NE(again->Status()["state_file"]["reconcile"].get<std::string>().find(
                "reset"),
            std::string::npos);
}

TEST(DemotionService, RecoveryWithdrawsAfterRiseAndHoldDown) {
  DemotionWorld w;
  auto s = w.Make();
  s->Start(Now());
  FailThrice(w, *s, 0);
  w.Publish(*s, 0, kOk);
  w.Publish(*s, 0, kOk);
  EXPECT_EQ(s->applied(), 50) << "hold_down running";
  s->Evaluate(Now() + std::chrono::seconds(11));
  EXPECT_EQ(s->applied(), 0);
  EXPECT_EQ(w.counter_value(), 0);
}

TEST(DemotionService, TrackFileSinkWritesAnExplicitZeroAtStart) {
  DemotionWorld w;
  w.config.sink = "keepalived_track_file";
  w.config.track_file = (w.dir() / "run/demote").string();
  DemotionInputs inputs;
  inputs.role = [] { return Role::kMaster; };
  DemotionService s(w.config, ControllerParams::From(w.config, "fw2"),
                    std::make_unique<TrackFileSink>(w.config.track_file),
                    std::make_unique<DemotionStateStore>(w.config.state_file),
                    w.settings, inputs);
  s.Start(Now());
  EXPECT_EQ(*ReadSmallFile(w.config.track_file), "0\n");
}

TEST(DemotionService, MetricsCarryOneSeriesPerSuppressionReason) {
  DemotionWorld w;
  w.SetPeerReady(false);
  auto s = w.Make();
  s->Start(Now());
  FailThrice(w, *s, 0);
  int reasons = 0;
  double peer_not_ready = -1;
  for (const auto& f : s->Collect()) {
    if (f.name != "ipv6_ha_demotion_suppressed") continue;
    for (const auto& m : f.metric) {
      ++reasons;
      if (m.label.at(0).value == "peer_not_ready")
        peer_not_ready = m.gauge.value;
    }
  }
  EXPECT_EQ(reasons, 6);
  EXPECT_EQ(peer_not_ready, 1);
}

TEST(DemotionService, TimerWithdrawsWhenHoldDownExpiresWithoutNewResults) {
  DemotionWorld w;
  w.config.hold_down = std::chrono::milliseconds(50);
  auto s = w.Make();
  s->Start(Now());
  FailThrice(w, *s, 0);
  w.Publish(*s, 0, kOk);
  w.Publish(*s, 0, kOk);
  ASSERT_EQ(s->applied(), 50);
  s->StartTimer(std::chrono::milliseconds(10));
  EXPECT_TRUE(testing::WaitFor([&] { return s->applied() == 0; }, std::chrono::seconds(5)));
  s->Shutdown();
}

TEST(DemotionService, ReleasedServiceWritesNothingMoreAndLeavesItsContribution) {
  DemotionWorld w;
  auto s = w.Make();
  s->Start(Now());
  FailThrice(w, *s, 0);
  s->Release();
  for (int i = 0; i < 5; ++i) w.Publish(*s, 0, kOk);
  s->Evaluate(Now() + std::chrono::minutes(5));
  s->Shutdown();
  EXPECT_EQ(w.counter_value(), 50);
  auto next = w.Make();
  next->Start(Now());
  EXPECT_EQ(next->applied(), 50) << "the next owner adopts it";
}

}  // namespace
}  // namespace ipv6ha
