// One test per row of the decision table in DESIGN.md section 4 (and
// docs/demotion.md), with a fake clock: each evaluation gets one snapshot
// (the results since the last one, role, peer, time).

#include "exporter/demotion/demotion_controller.h"

#include <gtest/gtest.h>

#include "tests/unit/demotion_controller_support.h"

namespace ipv6ha {
namespace {

using namespace ipv6ha::testing;
struct Row {
  const char* situation;
  Scope scope;
  std::vector<S> results;
  Role role;
  Peer peer;
  UpstreamFailover policy;
  int desired;
  std::set<Suppression> suppressed;
  const char* reason;  // substring of the reason
};

class DecisionTable : public ::testing::TestWithParam<Row> {};

TEST_P(DecisionTable, DecidesAsTheTableSays) {
  const Row& row = GetParam();
  DemotionController c(Params(row.policy), Checks());
  ControllerTime now = T0();
  const std::string name =
      row.scope == Scope::kLocal ? "nptv6_rules" : "ipv6_connectivity";
  const Decision d = Feed(c, name, row.results, row.role, row.peer, &now);
  EXPECT_EQ(d.desired, row.desired) << row.situation << ": " << d.reason;
  EXPECT_EQ(d.suppressed, row.suppressed) << row.situation << ": " << d.reason;
  EXPECT_NE(d.reason.find(row.reason), std::string::npos)
      << row.situation << ": reason was \"" << d.reason << "\"";
}

constexpr auto kConfirmed = UpstreamFailover::kPeerConfirmed;

INSTANTIATE_TEST_SUITE_P(
    Rows, DecisionTable,
    ::testing::Values(
        Row{"local fail on MASTER, peer ready: demote after fall",
            Scope::kLocal,
            kThreeFails,
            Role::kMaster,
            Peer::kReadyUpstreamOk,
            kConfirmed,
            50,
            {},
            "demoting by 50: nptv6_rules failed 3x on MASTER, peer fw2 ready"},
        Row{"local fail below fall: not yet",
            Scope::kLocal,
            {kFail, kFail},
            Role::kMaster,
            Peer::kReadyUpstreamOk,
            kConfirmed,
            0,
            {},
            "all weighted checks healthy"},
        Row{"local fail, peer unreachable: do not demote, alert",
            Scope::kLocal,
            kThreeFails,
            Role::kMaster,
            Peer::kUnreachable,
            kConfirmed,
            0,
            {Suppression::kPeerNotReady},
            "but peer fw2 unreachable: no reply within 1s"},
        Row{"local fail, peer never heard from",
            Scope::kLocal,
            kThreeFails,
            Role::kMaster,
            Peer::kNone,
            kConfirmed,
            0,
            {Suppression::kPeerNotReady},
            "not heard from yet"},
        Row{"local fail, peer not ready",
            Scope::kLocal,
            kThreeFails,
            Role::kMaster,
            Peer::kNotReady,
            kConfirmed,
            0,
            {Suppression::kPeerNotReady},
            "reports itself not ready"},
        Row{"local fail, peer demoting itself",
            Scope::kLocal,
            kThreeFails,
            Role::kMaster,
            Peer::kDemotingItself,
            kConfirmed,
            0,
            {Suppression::kPeerNotReady},
            "demoting itself by 50"},
        Row{"local fail, peer has its own local failure",
            Scope::kLocal,
            kThreeFails,
            Role::kMaster,
            Peer::kLocalFail,
            kConfirmed,
            0,
            {Suppression::kPeerNotReady},
            "failing local check nptv6_rules"},
        Row{"local fail, peer's observe-only check fails: still ready",
            Scope::kLocal,
            kThreeFails,
            Role::kMaster,
            Peer::kObserveOnlyFail,
            kConfirmed,
            50,
            {},
            "peer fw2 ready"},
        Row{"local fail, peer ready but its upstream fails: no better",
            Scope::kLocal,
            kThreeFails,
            Role::kMaster,
            Peer::kReadyUpstreamFail,
            kConfirmed,
            0,
            {Suppression::kPeerNotReady},
            "but peer fw2 is no better: its ipv6_connectivity fails "
            "(upstream)"},
        Row{"local fail, peer ready but all its weighted checks unknown",
            Scope::kLocal,
            kThreeFails,
            Role::kMaster,
            Peer::kAllUnknown,
            kConfirmed,
            0,
            {Suppression::kPeerNotReady},
            "peer fw2 is no better: its weighted checks are all unknown "
            "(nptv6_rules, ipv6_connectivity)"},
        Row{"local fail, peer's upstream unknown but a local check ok: better",
            Scope::kLocal,
            kThreeFails,
            Role::kMaster,
            Peer::kUpstreamUnknown,
            kConfirmed,
            50,
            {},
            "peer fw2 ready"},
        Row{"local fail, peer's failing check does not apply to it: better",
            Scope::kLocal,
            kThreeFails,
            Role::kMaster,
            Peer::kNotApplicableFail,
            kConfirmed,
            50,
            {},
            "peer fw2 ready"},
        Row{"upstream fail, policy always, peer's upstream fails too: demote",
            Scope::kUpstream,
            kThreeFails,
            Role::kMaster,
            Peer::kReadyUpstreamFail,
            UpstreamFailover::kAlways,
            50,
            {},
            "upstream_failover always"},
        Row{"BACKUP not ready keeps a contribution, peer no better",
            Scope::kLocal,
            kThreeFails,
            Role::kBackup,
            Peer::kReadyUpstreamFail,
            kConfirmed,
            50,
            {},
            "kept on BACKUP"},
        Row{"upstream fail, peer vouches for its upstream: demote",
            Scope::kUpstream,
            kThreeFails,
            Role::kMaster,
            Peer::kReadyUpstreamOk,
            kConfirmed,
            50,
            {},
            "peer fw2 confirms its upstream"},
        Row{"upstream fail, peer BACKUP with WAN down cannot vouch",
            Scope::kUpstream,
            kThreeFails,
            Role::kMaster,
            Peer::kReadyNoUpstream,
            kConfirmed,
            0,
            {Suppression::kUpstreamPolicy},
            "runs no upstream check"},
        Row{"upstream fail, peer's upstream fails too",
            Scope::kUpstream,
            kThreeFails,
            Role::kMaster,
            Peer::kReadyUpstreamFail,
            kConfirmed,
            0,
            {Suppression::kUpstreamPolicy},
            "cannot vouch for its upstream"},
        Row{"upstream fail, policy never",
            Scope::kUpstream,
            kThreeFails,
            Role::kMaster,
            Peer::kReadyUpstreamOk,
            UpstreamFailover::kNever,
            0,
            {Suppression::kUpstreamPolicy},
            "upstream_failover is never"},
        Row{"upstream fail, policy always, peer cannot vouch",
            Scope::kUpstream,
            kThreeFails,
            Role::kMaster,
            Peer::kReadyNoUpstream,
            UpstreamFailover::kAlways,
            50,
            {},
            "upstream_failover always"},
        Row{"upstream fail, policy always, peer unreachable",
            Scope::kUpstream,
            kThreeFails,
            Role::kMaster,
            Peer::kUnreachable,
            UpstreamFailover::kAlways,
            0,
            {Suppression::kPeerNotReady},
            "unreachable"},
        Row{"BACKUP not ready keeps a contribution",
            Scope::kLocal,
            kThreeFails,
            Role::kBackup,
            Peer::kUnreachable,
            kConfirmed,
            50,
            {},
            "kept on BACKUP"},
        Row{"unknown never moves toward down",
            Scope::kLocal,
            {kFail, kFail, kUnk, kUnk, kUnk, kUnk},
            Role::kMaster,
            Peer::kReadyUpstreamOk,
            kConfirmed,
            0,
            {},
            "healthy"},
        Row{"unknown holds a down check down",
            Scope::kLocal,
            {kFail, kFail, kFail, kUnk, kUnk, kUnk, kUnk, kUnk, kUnk},
            Role::kMaster,
            Peer::kReadyUpstreamOk,
            kConfirmed,
            50,
            {},
            "demoting by 50"},
        Row{"role unknown holds the last contribution",
            Scope::kLocal,
            kThreeFails,
            Role::kUnknown,
            Peer::kReadyUpstreamOk,
            kConfirmed,
            0,
            {Suppression::kRoleUnknown},
            "role unknown; holding 0"}),
    [](const auto& info) { return "Row" + std::to_string(info.index); });

TEST(DemotionController, RecoveryWithdrawsOnlyAfterRiseSuccessesAndHoldDown) {
  DemotionController c(Params(), Checks());
  ControllerTime now = T0();
  auto d = Feed(c, "nptv6_rules", kThreeFails, kMaster, kReady, &now);
  ASSERT_EQ(d.desired, 50);
  d = Feed(c, "nptv6_rules", {kOk, kOk, kOk, kOk}, kMaster, kReady, &now);
  EXPECT_EQ(d.desired, 50) << "four successes are fewer than rise 5";
  d = Feed(c, "nptv6_rules", {kOk}, kMaster, kReady, &now);
  EXPECT_EQ(d.desired, 50) << "rise reached, hold_down starts";
  EXPECT_TRUE(Contains(d.reason, "hold_down")) << d.reason;
  // hold_down 30s; results keep coming (the lease stays fresh).
  d = Feed(c, "nptv6_rules", std::vector<S>(29, kOk), kMaster, kReady, &now);
  EXPECT_EQ(d.desired, 50);
  d = Feed(c, "nptv6_rules", {kOk}, kMaster, kReady, &now);
  EXPECT_EQ(d.desired, 0) << d.reason;
}

TEST(DemotionController, FailureDuringHoldDownRestartsRecovery) {
  DemotionController c(Params(), Checks());
  ControllerTime now = T0();
  Feed(c, "nptv6_rules", kThreeFails, kMaster, kReady, &now);
  Feed(c, "nptv6_rules", {kOk, kOk, kOk, kOk, kOk, kFail}, kMaster, kReady,
       &now);
  now += seconds(60);
  EXPECT_EQ(Eval(c, kMaster, kReady, now).desired, 50);
}

TEST(DemotionController, FlapGuardFreezesTheContributionAndReportsIt) {
  DemotionController c(Params(), Checks());
  ControllerTime now = T0();
  Feed(c, "nptv6_rules", kThreeFails, kMaster, kReady, &now);
  const Role flips[] = {Role::kBackup, Role::kMaster, Role::kBackup,
                        Role::kMaster};
  Decision d;
  for (Role r : flips) {
    d = Feed(c, "nptv6_rules", {kFail}, r, kReady, &now);
  }
  EXPECT_TRUE(d.flap_guard_engaged);
  EXPECT_TRUE(d.suppressed.count(Suppression::kFlapGuard));
  EXPECT_EQ(d.desired, 50);
  // Recovery while frozen changes nothing.
  d = Feed(c, "nptv6_rules", std::vector<S>(40, kOk), kMaster, kReady, &now);
  EXPECT_EQ(d.desired, 50) << d.reason;
  EXPECT_TRUE(Contains(d.reason, "flap guard: 4 role changes within 10m"))
      << d.reason;
  // Once the window has passed the rules apply again.
  now += std::chrono::minutes(10);
  d = Feed(c, "nptv6_rules", {kOk}, kMaster, kReady, &now);
  EXPECT_FALSE(d.flap_guard_engaged);
  EXPECT_EQ(d.desired, 0) << d.reason;
}

TEST(DemotionController, RoleChangesBetweenSnapshotsAllCount) {
  DemotionController c(Params(), Checks());
  ControllerTime now = T0();
  auto s = Snap(kMaster, kReady, now);
  s.role_changes = 7;  // the baseline
  c.Evaluate(s);
  s.role_changes = 11;  // four flips while the controller was busy
  s.now += seconds(1);
  const auto d = c.Evaluate(s);
  EXPECT_EQ(d.role_changes_in_window, 4);
  EXPECT_TRUE(d.flap_guard_engaged);
}

TEST(DemotionController, ContributionIsCappedAtMax) {
  auto checks = Checks(200);
  DemotionController c(Params(), checks);
  ControllerTime now = T0();
  Feed(c, "nptv6_rules", kThreeFails, kMaster, kReady, &now);
  const auto d =
      Feed(c, "prefix_freshness", kThreeFails, kMaster, kReady, &now);
  EXPECT_EQ(d.computed, 300);
  EXPECT_EQ(d.desired, 240);
  EXPECT_EQ(d.suppressed, std::set<Suppression>{Suppression::kCap});
  EXPECT_NE(d.reason.find("capped at max 240 (sum 300)"), std::string::npos)
      << d.reason;
}

TEST(DemotionController, EveryResultInASnapshotCountsOnce) {
  DemotionController c(Params(), Checks());
  const ControllerTime now = T0();
  auto s = Snap(
      kMaster, kReady, now,
      {{"nptv6_rules", kFail, true, now}, {"nptv6_rules", kFail, true, now}});
  auto d = c.Evaluate(s);
  EXPECT_EQ(d.checks.at(0).consecutive_fail, 2);
  d = c.Evaluate(Snap(kMaster, kReady, now));
  EXPECT_EQ(d.checks.at(0).consecutive_fail, 2)
      << "nothing new, nothing counted";
  EXPECT_EQ(d.desired, 0) << d.reason;
}

TEST(DemotionController, ObserveOnlyCheckNeverDemotes) {
  DemotionController c(Params(), Checks());
  ControllerTime now = T0();
  const auto d =
      Feed(c, "peer_reachability", kThreeFails, kMaster, kReady, &now);
  EXPECT_EQ(d.desired, 0);
  EXPECT_NE(d.reason.find("observe only"), std::string::npos) << d.reason;
}

TEST(DemotionController, StalePeerStatusCountsAsUnreachable) {
  DemotionController c(Params(), Checks());
  ControllerTime now = T0();
  Feed(c, "nptv6_rules", kThreeFails, kMaster, kReady, &now);
  auto s = Snap(kMaster, kReady, now);
  s.peer = MakePeer(kReady, now - seconds(31));
  const auto d = c.Evaluate(s);
  EXPECT_EQ(d.desired, 0);
  EXPECT_NE(d.reason.find("stale"), std::string::npos) << d.reason;
}

}  // namespace
}  // namespace ipv6ha
