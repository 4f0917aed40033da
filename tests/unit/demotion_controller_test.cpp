// One test per row of the decision table in DESIGN.md section 4 (and
// docs/demotion.md), with a fake clock.

#include "exporter/demotion/demotion_controller.h"

#include <gtest/gtest.h>

namespace ipv6ha {
namespace {

using std::chrono::seconds;
using S = CheckStatus;
constexpr S kOk = S::kOk;
constexpr S kFail = S::kFail;
constexpr S kUnk = S::kUnknown;

enum class Peer {
  kReadyUpstreamOk,    // ready, its upstream check is ok
  kReadyNoUpstream,    // ready, runs no upstream check (BACKUP with WAN down)
  kReadyUpstreamFail,  // ready, its upstream check fails too
  kNotReady,           // reports ready: false
  kDemotingItself,     // its controller wants a contribution
  kLocalFail,          // a local check of its own fails
  kObserveOnlyFail,    // only an observe-only (weight 0) check of its own fails
  kUnreachable,
  kNone,  // never heard from
};

ControllerTime T0() { return ControllerTime{} + std::chrono::hours(1); }

std::optional<PeerSnapshot> MakePeer(Peer kind, ControllerTime now) {
  if (kind == Peer::kNone) return std::nullopt;
  PeerSnapshot p;
  p.fetched_at = now;
  p.reachable = kind != Peer::kUnreachable;
  p.api_ok = p.reachable;
  if (!p.reachable) p.error = "no reply within 1s";
  nlohmann::json checks = nlohmann::json::array();
  checks.push_back(
      {{"name", "nptv6_rules"}, {"status", "ok"}, {"scope", "local"}});
  if (kind == Peer::kReadyUpstreamOk || kind == Peer::kReadyUpstreamFail) {
    checks.push_back(
        {{"name", "ipv6_connectivity"},
         {"status", kind == Peer::kReadyUpstreamOk ? "ok" : "fail"},
         {"scope", "upstream"}});
  }
  if (kind == Peer::kLocalFail) checks[0]["status"] = "fail";
  if (kind == Peer::kObserveOnlyFail) {
    checks.push_back({{"name", "peer_reachability"},
                      {"status", "fail"},
                      {"scope", "local"},
                      {"weight", 0}});
  }
  p.status = {
      {"node", "fw2"},
      {"ready", kind != Peer::kNotReady},
      {"checks", checks},
      {"controller", {{"desired", kind == Peer::kDemotingItself ? 50 : 0}}}};
  return p;
}

ControllerParams Params(
    UpstreamFailover policy = UpstreamFailover::kPeerConfirmed) {
  ControllerParams p;
  p.fall = 3;
  p.rise = 5;
  p.hold_down = seconds(30);
  p.max = 240;
  p.upstream_failover = policy;
  p.flap_changes = 4;
  p.flap_window = std::chrono::minutes(10);
  p.peer_name = "fw2";
  return p;
}

// Feeds `results` to one check, one second apart, then evaluates.
Decision Feed(DemotionController& c, const std::string& name, Scope scope,
              const std::vector<S>& results, Role role, Peer peer,
              ControllerTime* now, std::uint64_t* run, int weight = 50) {
  Decision d;
  for (S s : results) {
    *now += seconds(1);
    c.Observe({name, scope, weight, s, true, ++*run}, *now);
    d = c.Evaluate(role, MakePeer(peer, *now), *now);
  }
  return d;
}

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
  DemotionController c(Params(row.policy));
  ControllerTime now = T0();
  std::uint64_t run = 0;
  const std::string name =
      row.scope == Scope::kLocal ? "nptv6_rules" : "ipv6_connectivity";
  const Decision d =
      Feed(c, name, row.scope, row.results, row.role, row.peer, &now, &run);
  EXPECT_EQ(d.desired, row.desired) << row.situation << ": " << d.reason;
  EXPECT_EQ(d.suppressed, row.suppressed) << row.situation << ": " << d.reason;
  EXPECT_NE(d.reason.find(row.reason), std::string::npos)
      << row.situation << ": reason was \"" << d.reason << "\"";
}

const std::vector<S> kThreeFails{kFail, kFail, kFail};
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
  DemotionController c(Params());
  ControllerTime now = T0();
  std::uint64_t run = 0;
  auto d = Feed(c, "nptv6_rules", Scope::kLocal, kThreeFails, Role::kMaster,
                Peer::kReadyUpstreamOk, &now, &run);
  ASSERT_EQ(d.desired, 50);
  d = Feed(c, "nptv6_rules", Scope::kLocal, {kOk, kOk, kOk, kOk}, Role::kMaster,
           Peer::kReadyUpstreamOk, &now, &run);
  EXPECT_EQ(d.desired, 50) << "four successes are fewer than rise 5";
  d = Feed(c, "nptv6_rules", Scope::kLocal, {kOk}, Role::kMaster,
           Peer::kReadyUpstreamOk, &now, &run);
  EXPECT_EQ(d.desired, 50) << "rise reached, hold_down starts";
  EXPECT_NE(d.reason.find("hold_down"), std::string::npos) << d.reason;
  now += seconds(29);
  EXPECT_EQ(
      c.Evaluate(Role::kMaster, MakePeer(Peer::kReadyUpstreamOk, now), now)
          .desired,
      50);
  now += seconds(1);
  d = c.Evaluate(Role::kMaster, MakePeer(Peer::kReadyUpstreamOk, now), now);
  EXPECT_EQ(d.desired, 0) << d.reason;
}

TEST(DemotionController, FailureDuringHoldDownRestartsRecovery) {
  DemotionController c(Params());
  ControllerTime now = T0();
  std::uint64_t run = 0;
  Feed(c, "nptv6_rules", Scope::kLocal, kThreeFails, Role::kMaster,
       Peer::kReadyUpstreamOk, &now, &run);
  Feed(c, "nptv6_rules", Scope::kLocal, {kOk, kOk, kOk, kOk, kOk, kFail},
       Role::kMaster, Peer::kReadyUpstreamOk, &now, &run);
  now += seconds(60);
  EXPECT_EQ(
      c.Evaluate(Role::kMaster, MakePeer(Peer::kReadyUpstreamOk, now), now)
          .desired,
      50);
}

TEST(DemotionController, FlapGuardFreezesTheContributionAndReportsIt) {
  DemotionController c(Params());
  ControllerTime now = T0();
  std::uint64_t run = 0;
  Feed(c, "nptv6_rules", Scope::kLocal, kThreeFails, Role::kMaster,
       Peer::kReadyUpstreamOk, &now, &run);
  const Role flips[] = {Role::kBackup, Role::kMaster, Role::kBackup,
                        Role::kMaster};
  Decision d;
  for (Role r : flips) {
    now += seconds(10);
    d = c.Evaluate(r, MakePeer(Peer::kReadyUpstreamOk, now), now);
  }
  EXPECT_TRUE(d.flap_guard_engaged);
  EXPECT_TRUE(d.suppressed.count(Suppression::kFlapGuard));
  EXPECT_EQ(d.desired, 50);
  // Recovery while frozen changes nothing.
  d = Feed(c, "nptv6_rules", Scope::kLocal, std::vector<S>(5, kOk),
           Role::kMaster, Peer::kReadyUpstreamOk, &now, &run);
  now += seconds(31);
  d = c.Evaluate(Role::kMaster, MakePeer(Peer::kReadyUpstreamOk, now), now);
  EXPECT_EQ(d.desired, 50) << d.reason;
  EXPECT_NE(d.reason.find("flap guard: 4 role changes within 10m"),
            std::string::npos)
      << d.reason;
  // Once the window has passed the rules apply again.
  now += std::chrono::minutes(10);
  d = c.Evaluate(Role::kMaster, MakePeer(Peer::kReadyUpstreamOk, now), now);
  EXPECT_FALSE(d.flap_guard_engaged);
  EXPECT_EQ(d.desired, 0) << d.reason;
}

TEST(DemotionController, ContributionIsCappedAtMax) {
  DemotionController c(Params());
  ControllerTime now = T0();
  std::uint64_t run = 0;
  Feed(c, "nptv6_rules", Scope::kLocal, kThreeFails, Role::kMaster,
       Peer::kReadyUpstreamOk, &now, &run, 200);
  const auto d = Feed(c, "prefix_freshness", Scope::kLocal, kThreeFails,
                      Role::kMaster, Peer::kReadyUpstreamOk, &now, &run, 100);
  EXPECT_EQ(d.computed, 300);
  EXPECT_EQ(d.desired, 240);
  EXPECT_EQ(d.suppressed, std::set<Suppression>{Suppression::kCap});
  EXPECT_NE(d.reason.find("capped at max 240 (sum 300)"), std::string::npos)
      << d.reason;
}

TEST(DemotionController, SameRunOfferedTwiceCountsOnce) {
  DemotionController c(Params());
  ControllerTime now = T0();
  for (int i = 0; i < 5; ++i) {
    c.Observe({"nptv6_rules", Scope::kLocal, 50, kFail, true, 1}, now);
    c.Observe({"nptv6_rules", Scope::kLocal, 50, kFail, true, 2}, now);
  }
  const auto d =
      c.Evaluate(Role::kMaster, MakePeer(Peer::kReadyUpstreamOk, now), now);
  EXPECT_EQ(d.desired, 0) << d.reason;
  EXPECT_EQ(d.checks.at(0).consecutive_fail, 2);
}

TEST(DemotionController, CheckNotApplicableInRoleHoldsItsState) {
  DemotionController c(Params());
  ControllerTime now = T0();
  std::uint64_t run = 0;
  Feed(c, "nptv6_rules", Scope::kLocal, kThreeFails, Role::kMaster,
       Peer::kReadyUpstreamOk, &now, &run);
  c.Observe({"nptv6_rules", Scope::kLocal, 50, kUnk, false, ++run}, now);
  const auto d =
      c.Evaluate(Role::kBackup, MakePeer(Peer::kReadyUpstreamOk, now), now);
  EXPECT_EQ(d.desired, 50);
  EXPECT_NE(d.reason.find("held: not run in this role"), std::string::npos)
      << d.reason;
}

TEST(DemotionController, ObserveOnlyCheckNeverDemotes) {
  DemotionController c(Params());
  ControllerTime now = T0();
  std::uint64_t run = 0;
  const auto d = Feed(c, "peer_reachability", Scope::kLocal, kThreeFails,
                      Role::kMaster, Peer::kReadyUpstreamOk, &now, &run, 0);
  EXPECT_EQ(d.desired, 0);
  EXPECT_NE(d.reason.find("observe only"), std::string::npos) << d.reason;
}

TEST(DemotionController, RestoredDownCheckKeepsItsContributionAfterRestart) {
  DemotionController c(Params());
  ControllerTime now = T0();
  c.Observe({"nptv6_rules", Scope::kLocal, 50, kUnk, true, 0}, now);
  c.Restore({"nptv6_rules"}, 50);
  auto d =
      c.Evaluate(Role::kMaster, MakePeer(Peer::kReadyUpstreamOk, now), now);
  EXPECT_EQ(d.desired, 50) << d.reason;
  EXPECT_NE(d.reason.find("was down before restart"), std::string::npos)
      << d.reason;
}

TEST(DemotionController, StalePeerStatusCountsAsUnreachable) {
  DemotionController c(Params());
  ControllerTime now = T0();
  std::uint64_t run = 0;
  Feed(c, "nptv6_rules", Scope::kLocal, kThreeFails, Role::kMaster,
       Peer::kReadyUpstreamOk, &now, &run);
  auto peer = MakePeer(Peer::kReadyUpstreamOk, now - seconds(31));
  const auto d = c.Evaluate(Role::kMaster, peer, now);
  EXPECT_EQ(d.desired, 0);
  EXPECT_NE(d.reason.find("stale"), std::string::npos) << d.reason;
}

}  // namespace
}  // namespace ipv6ha
