// The evidence lease of the demotion controller (docs/demotion.md,
// "Evidence lease"): how long a share lives without fresh evidence, and what
// a restart restores. Fake clock; one run is interval + timeout = 2s.

#include <gtest/gtest.h>

#include "exporter/demotion/demotion_controller.h"
#include "tests/unit/demotion_controller_support.h"

namespace ipv6ha {
namespace {

using namespace ipv6ha::testing;

TEST(DemotionLease, UnknownHoldsTheShareForAtMostUnknownHoldThenWithdraws) {
  DemotionController c(Params(), Checks());
  ControllerTime now = T0();
  Feed(c, "prefix_freshness", kThreeFails, kMaster, kReady, &now);
  Feed(c, "prefix_freshness", {kUnk}, kMaster, kReady, &now);
  const ControllerTime unknown_since = now;
  now += seconds(40);
  auto d = Eval(c, kMaster, kReady, now);
  EXPECT_EQ(d.desired, 100);
  EXPECT_TRUE(Contains(d.reason,
                       "held 100 for prefix_freshness: unknown for "
                       "40s of 5m"))
      << d.reason;
  // Unknown results keep arriving; the hold runs from the first.
  while (now < unknown_since + std::chrono::minutes(5) - seconds(1)) {
    d = Feed(c, "prefix_freshness", {kUnk}, kMaster, kReady, &now);
    ASSERT_EQ(d.desired, 100) << d.reason;
  }
  d = Feed(c, "prefix_freshness", {kUnk}, kMaster, kReady, &now);
  EXPECT_EQ(d.desired, 0) << d.reason;
  EXPECT_EQ(d.expired, std::vector<std::string>{"prefix_freshness"});
  EXPECT_TRUE(Contains(d.reason,
                       "prefix_freshness's share withdrawn: no "
                       "fresh result within unknown_hold 5m"))
      << d.reason;
  EXPECT_FALSE(d.checks.at(2).down) << "withdrawn, no longer down";
  // A fresh failure starts over: `fall` of them before it counts again.
  d = Feed(c, "prefix_freshness", {kFail, kFail}, kMaster, kReady, &now);
  EXPECT_EQ(d.desired, 0);
  d = Feed(c, "prefix_freshness", {kFail}, kMaster, kReady, &now);
  EXPECT_EQ(d.desired, 100);
}

TEST(DemotionLease, NotApplicableInRoleHoldsForAtMostUnknownHold) {
  DemotionController c(Params(), Checks());
  ControllerTime now = T0();
  Feed(c, "nptv6_rules", kThreeFails, kMaster, kReady, &now);
  // Demoted, the pair failed over: nptv6_rules does not run on BACKUP.
  auto d = Feed(c, "nptv6_rules", {kUnk}, Role::kBackup, kReady, &now,
                /*applicable=*/false);
  now += seconds(30);
  d = Eval(c, Role::kBackup, kReady, now);
  EXPECT_EQ(d.desired, 50);
  EXPECT_TRUE(Contains(d.reason,
                       "held 50 for nptv6_rules: not run on BACKUP "
                       "for 30s of 5m"))
      << d.reason;
  now += std::chrono::minutes(5);
  d = Eval(c, Role::kBackup, kReady, now);
  EXPECT_EQ(d.desired, 0) << d.reason;
}

TEST(DemotionLease, OverdueResultIsHeldThenWithdrawn) {
  DemotionController c(Params(), Checks());
  ControllerTime now = T0();
  Feed(c, "nptv6_rules", kThreeFails, kMaster, kReady, &now);
  const ControllerTime last = now;
  now += seconds(2);  // one run: still fresh
  auto d = Eval(c, kMaster, kReady, now);
  EXPECT_FALSE(d.checks.at(0).Held(now)) << d.reason;
  now += seconds(10);
  d = Eval(c, kMaster, kReady, now);
  EXPECT_EQ(d.desired, 50);
  EXPECT_TRUE(Contains(d.reason, "held 50 for nptv6_rules: no result for 12s"))
      << d.reason;
  now = last + seconds(2) + std::chrono::minutes(5);
  EXPECT_EQ(Eval(c, kMaster, kReady, now).desired, 0);
}

TEST(DemotionLease, FlapGuardHoldsNoShareWhoseLeaseRanOut) {
  DemotionController c(Params(), Checks());
  ControllerTime now = T0();
  Feed(c, "prefix_freshness", kThreeFails, kMaster, kReady, &now);
  for (Role r : {Role::kBackup, Role::kMaster, Role::kBackup, Role::kMaster}) {
    Feed(c, "prefix_freshness", {kUnk}, r, kReady, &now);
  }
  now += std::chrono::minutes(5);
  const auto d = Eval(c, kMaster, kReady, now);
  EXPECT_TRUE(d.flap_guard_engaged);
  EXPECT_EQ(d.desired, 0) << d.reason;
}

TEST(DemotionLease, RestoredShareIsHeldUntilAFreshFailureConfirmsIt) {
  DemotionController c(Params(), Checks());
  ControllerTime now = T0();
  c.Restore({{"nptv6_rules", 50, std::nullopt}}, {}, 50, now);
  auto d = Eval(c, kMaster, kReady, now);
  EXPECT_EQ(d.desired, 50) << d.reason;
  EXPECT_TRUE(Contains(d.reason,
                       "held 50 for nptv6_rules: contributing before "
                       "restart, awaiting a fresh result for 0s of "
                       "5m2s"))
      << d.reason;
  d = Feed(c, "nptv6_rules", {kFail}, kMaster, kReady, &now);
  EXPECT_FALSE(d.checks.at(0).restored) << "one fresh failure confirms it";
  EXPECT_TRUE(Contains(d.reason, "nptv6_rules failed 1x on MASTER"))
      << d.reason;
}

TEST(DemotionLease, UnconfirmedRestoredShareIsWithdrawnAfterItsLease) {
  DemotionController c(Params(), Checks());
  const ControllerTime now = T0();
  c.Restore({{"nptv6_rules", 50, std::nullopt}}, {}, 50, now);
  EXPECT_EQ(Eval(c, kMaster, kReady, now + seconds(301)).desired, 50);
  const auto d = Eval(c, kMaster, kReady, now + seconds(302));
  EXPECT_EQ(d.desired, 0) << d.reason;
  EXPECT_TRUE(Contains(d.reason, "within its lease after restart")) << d.reason;
}

TEST(DemotionLease, RestoreKeepsTheRecordedHoldAndSkipsUnknownChecks) {
  DemotionController c(Params(), Checks());
  const ControllerTime now = T0();
  const auto ms = [](ControllerTime t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               t.time_since_epoch())
        .count();
  };
  c.Restore({{"prefix_freshness", 100, ms(now - std::chrono::minutes(4))},
             {"no_such_check", 70, std::nullopt},
             {"peer_reachability", 0, std::nullopt}},
            {}, 100, now);
  auto d = Eval(c, kMaster, kReady, now);
  EXPECT_EQ(d.desired, 100) << d.reason;
  d = Eval(c, kMaster, kReady, now + std::chrono::minutes(1));
  EXPECT_EQ(d.desired, 0) << "held 4m before the restart, 1m after";
}

TEST(DemotionLease, RestoredShareWaitsForAPeerNotHeardFromYet) {
  DemotionController c(Params(), Checks());
  ControllerTime now = T0();
  c.Restore({{"nptv6_rules", 50, std::nullopt}}, {}, 50, now);
  // Just started: the peer's status has not been fetched yet.
  auto d = Feed(c, "nptv6_rules", {kFail}, kMaster, Peer::kNone, &now);
  EXPECT_EQ(d.desired, 50) << d.reason;
  d = Feed(c, "nptv6_rules", {kFail}, kMaster, Peer::kUnreachable, &now);
  EXPECT_EQ(d.desired, 0) << "heard from, and it cannot take over";
  d = Feed(c, "nptv6_rules", {kFail}, kMaster, Peer::kNone, &now);
  EXPECT_EQ(d.desired, 0) << "a new share is not demoted on no evidence";
}

}  // namespace
}  // namespace ipv6ha
