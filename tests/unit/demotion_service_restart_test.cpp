// DemotionService across restarts: what a crash, a clean stop, a reboot or
// an unusable state file leave, and what the next start makes of it.

#include <gtest/gtest.h>

#include "exporter/platform/atomic_file.h"
#include "tests/unit/demotion_test_world.h"

namespace ipv6ha {
namespace {

using namespace ipv6ha::testing;
using std::chrono::seconds;
constexpr auto kFail = CheckStatus::kFail;
constexpr auto kOk = CheckStatus::kOk;
constexpr auto kUnknown = CheckStatus::kUnknown;

TEST(DemotionServiceRestart, RestartAfterCrashKeepsTheContributingShare) {
  DemotionWorld w;
  CrashAfterDemoting(w, 0);
  auto again = w.Started();
  EXPECT_EQ(again->applied(), 50);
  EXPECT_EQ(again->Status()["desired"], 50);
  EXPECT_EQ(w.counter_value(), 50);
  EXPECT_NE(again->Status()["reason"].get<std::string>().find(
                "held 50 for nptv6_rules: contributing before restart"),
            std::string::npos)
      << again->Status()["reason"];
}

// What was seen in the lab: a down check that did not contribute (the peer
// could not vouch) came back as contributing after kill -9 on BACKUP, and
// its "unknown" there kept it forever.

TEST(DemotionServiceRestart,
     RestartOnBackupRestoresOnlyContributingSharesNoDoubling) {
  DemotionWorld w;
  w.peer.reset();  // no peer to vouch for the upstream
  w.SetRole(Role::kBackup);
  {
    auto s = w.Make();
    s->Start();
    FailThrice(w, *s, 1);  // prefix_freshness, local: kept on BACKUP
    FailThrice(w, *s, 2);  // ipv6_connectivity, upstream: not counted
    ASSERT_EQ(s->applied(), 100) << s->Status()["reason"];
  }
  auto again = w.Started();
  EXPECT_EQ(again->applied(), 100) << again->Status()["reason"];
  EXPECT_EQ(w.counter_value(), 100);
  for (int i = 0; i < 10; ++i) {
    w.Advance(seconds(1));
    w.Publish(*again, 2, kUnknown);  // BACKUP cannot evaluate its upstream
    w.Publish(*again, 1, kFail);     // still stale: confirmed
  }
  EXPECT_EQ(again->applied(), 100);
  for (int i = 0; i < 2; ++i) w.Publish(*again, 1, kOk);  // healed: rise 2
  w.Advance(seconds(11));                                 // hold_down 10s
  again->EvaluateNow();
  EXPECT_EQ(again->applied(), 0) << again->Status()["reason"];
  EXPECT_EQ(w.counter_value(), 0);
}

TEST(DemotionServiceRestart,
     UnconfirmedRestoredShareIsWithdrawnAfterUnknownHold) {
  DemotionWorld w;
  CrashAfterDemoting(w, 1);
  auto again = w.Started();
  w.Advance(seconds(1));
  w.Publish(*again, 1, kUnknown);
  w.Advance(seconds(40));
  again->EvaluateNow();
  EXPECT_EQ(again->applied(), 100);
  // Held since the restart, not since the first unknown result.
  EXPECT_NE(again->Status()["reason"].get<std::string>().find(
                "held 100 for prefix_freshness: unknown for 41s of 5m "
                "(contributing before restart)"),
            std::string::npos)
      << again->Status()["reason"];
  w.Advance(std::chrono::minutes(5));
  again->EvaluateNow();
  EXPECT_EQ(again->applied(), 0);
  EXPECT_NE(again->Status()["reason"].get<std::string>().find(
                "prefix_freshness's share withdrawn"),
            std::string::npos)
      << again->Status()["reason"];
  EXPECT_EQ(w.counter_value(), 0);
}

TEST(DemotionServiceRestart, RestartDoesNotExtendTheHoldOfAnUnknownShare) {
  DemotionWorld w;
  {
    auto s = w.Make();
    s->Start();
    FailThrice(w, *s, 1);
    w.Publish(*s, 1, kUnknown);
    w.Advance(std::chrono::minutes(4));
    s->EvaluateNow();
    ASSERT_EQ(s->applied(), 100);
  }
  auto again = w.Started();
  EXPECT_EQ(again->applied(), 100) << "the restart alone changes nothing";
  w.Advance(std::chrono::minutes(1));
  again->EvaluateNow();
  EXPECT_EQ(again->applied(), 0) << again->Status()["reason"];
}

TEST(DemotionServiceRestart, RebootResetsTheRecordedContribution) {
  DemotionWorld w;
  CrashAfterDemoting(w, 0);
  w.counter->value = 0;
  w.counter->epoch = "boot-2";
  w.SetRole(Role::kBackup);  // came back as BACKUP; its share was restored
  auto again = w.Started();
  EXPECT_EQ(w.counter_value(), 50) << "re-applied once on the fresh counter";
  EXPECT_NE(again->Status()["state_file"]["reconcile"].get<std::string>().find(
                "reset"),
            std::string::npos);
}

TEST(DemotionServiceRestart, TrackFileSinkWritesAnExplicitZeroAtStart) {
  DemotionWorld w;
  w.config.sink = "keepalived_track_file";
  w.config.track_file = (w.dir() / "run/demote").string();
  auto s = w.Make(TrackFileSinkAt(w.config.track_file));
  s->Start();
  EXPECT_EQ(*ReadSmallFile(w.config.track_file), "0\n");
}

TEST(DemotionServiceRestart,
     CorruptStateFileRewritesTheTrackFileToTheComputedValue) {
  DemotionWorld w;
  w.config.sink = "keepalived_track_file";
  w.config.track_file = (w.dir() / "demote").string();
  ASSERT_TRUE(WriteFileAtomically(w.config.track_file, "50\n").ok());
  ASSERT_TRUE(
      WriteFileAtomically(w.config.state_file, "{\"applied\":50,\"down\":[\"lo")
          .ok());
  auto s = w.Make(TrackFileSinkAt(w.config.track_file));
  s->Start();
  EXPECT_EQ(*ReadSmallFile(w.config.track_file), "0\n");
  EXPECT_EQ(s->Status()["applied"], 0);
  EXPECT_NE(s->Status()["state_file"]["reconcile"].get<std::string>().find(
                "(holding 50) is rewritten"),
            std::string::npos)
      << s->Status()["state_file"];
  EXPECT_EQ(Recorded(w).applied, 0) << "the state file is whole again";
}

TEST(DemotionServiceRestart,
     CorruptStateFileAndAnAmbiguousCounterLeaveTheCounterAlone) {
  DemotionWorld w;
  w.counter->value = 290;  // 240 the kernel's; 50 perhaps ours
  ASSERT_TRUE(WriteFileAtomically(w.config.state_file, "{\"applied\":5").ok());
  auto s = w.Started();
  FailThrice(w, *s, 0);
  EXPECT_EQ(w.writes(), 0u);
  auto status = s->Status();
  EXPECT_TRUE(status["applied"].is_null()) << status;
  EXPECT_NE(status["sink_refused"].get<std::string>().find(
                "cannot be told from the kernel's"),
            std::string::npos)
      << status;
  // The operator clears it up: the kernel's part goes, and so does ours.
  {
    std::lock_guard lock(w.counter->mutex);
    w.counter->value = 0;
  }
  s->EvaluateNow();
  EXPECT_EQ(s->applied(), 50);
  EXPECT_EQ(w.counter_value(), 50);
  EXPECT_FALSE(s->Status().contains("sink_refused"));
}

TEST(DemotionServiceRestart,
     CorruptStateFileWithOnlyTheServiceFlagIsReconciledToZero) {
  DemotionWorld w;
  w.counter->value = 1 << 20;  // OPNsense's flag: nothing of ours below it
  ASSERT_TRUE(WriteFileAtomically(w.config.state_file, "garbage").ok());
  auto s = w.Started();
  EXPECT_EQ(s->Status()["applied"], 0);
  FailThrice(w, *s, 0);
  EXPECT_EQ(w.counter_value(), (1 << 20) + 50);
}

TEST(DemotionServiceRestart,
     KeepOnExitLeavesTheContributionAndTheNextStartAdoptsIt) {
  DemotionWorld w;
  w.config.keep_on_exit = true;
  {
    auto s = w.Make();
    s->Start();
    FailThrice(w, *s, 0);
    s->Shutdown();
  }
  EXPECT_EQ(w.counter_value(), 50);
  auto again = w.Started();
  EXPECT_EQ(again->applied(), 50);
  EXPECT_EQ(w.counter_value(), 50) << "nothing applied twice";
  EXPECT_EQ(w.writes(), 1u);
}

TEST(DemotionServiceRestart,
     ReleasedServiceWritesNothingMoreAndLeavesItsContribution) {
  DemotionWorld w;
  auto s = w.Started();
  FailThrice(w, *s, 0);
  s->Release();
  for (int i = 0; i < 5; ++i) w.Publish(*s, 0, kOk);
  w.Advance(std::chrono::minutes(5));
  s->EvaluateNow();
  s->Shutdown();
  EXPECT_EQ(w.counter_value(), 50);
  auto next = w.Started();
  EXPECT_EQ(next->applied(), 50) << "the next owner adopts it";
}

}  // namespace
}  // namespace ipv6ha
