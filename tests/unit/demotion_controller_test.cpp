// One test per row of the decision table in DESIGN.md section 4 (and
// docs/demotion.md), with a fake clock: each evaluation gets one snapshot
// (the results since the last one, role, peer, time).

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
  p.unknown_hold = std::chrono::minutes(5);
  p.peer_name = "fw2";
  return p;
}

CheckSettings Check(const std::string& name, Scope scope, int weight) {
  CheckSettings s;
  s.name = s.type = name;
  s.scope = scope;
  s.weight = weight;
  s.interval = seconds(1);
  s.timeout = seconds(1);
  return s;
}

// The checks of these tests; one run is interval + timeout = 2s.
std::vector<CheckSettings> Checks(int weight = 50) {
  return {Check("nptv6_rules", Scope::kLocal, weight),
          Check("ipv6_connectivity", Scope::kUpstream, weight),
          Check("prefix_freshness", Scope::kLocal, 100),
          Check("peer_reachability", Scope::kLocal, 0)};
}

ControllerSnapshot Snap(Role role, Peer peer, ControllerTime now,
                        std::vector<CheckEvent> events = {}) {
  ControllerSnapshot s;
  s.events = std::move(events);
  s.role = role;
  s.peer = MakePeer(peer, now);
  s.now = now;
  return s;
}

Decision Eval(DemotionController& c, Role role, Peer peer, ControllerTime now) {
  return c.Evaluate(Snap(role, peer, now));
}

// Feeds `results` to one check, one second apart, evaluating after each.
Decision Feed(DemotionController& c, const std::string& name,
              const std::vector<S>& results, Role role, Peer peer,
              ControllerTime* now, bool applicable = true) {
  Decision d;
  for (S s : results) {
    *now += seconds(1);
    d = c.Evaluate(Snap(role, peer, *now, {{name, s, applicable, *now}}));
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

constexpr Role kMaster = Role::kMaster;
constexpr Peer kReady = Peer::kReadyUpstreamOk;

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

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

TEST(DemotionController,
     UnknownHoldsTheShareForAtMostUnknownHoldThenWithdraws) {
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

TEST(DemotionController, NotApplicableInRoleHoldsForAtMostUnknownHold) {
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

TEST(DemotionController, OverdueResultIsHeldThenWithdrawn) {
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

TEST(DemotionController, FlapGuardHoldsNoShareWhoseLeaseRanOut) {
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

TEST(DemotionController, RestoredShareIsHeldUntilAFreshFailureConfirmsIt) {
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

TEST(DemotionController, UnconfirmedRestoredShareIsWithdrawnAfterItsLease) {
  DemotionController c(Params(), Checks());
  const ControllerTime now = T0();
  c.Restore({{"nptv6_rules", 50, std::nullopt}}, {}, 50, now);
  EXPECT_EQ(Eval(c, kMaster, kReady, now + seconds(301)).desired, 50);
  const auto d = Eval(c, kMaster, kReady, now + seconds(302));
  EXPECT_EQ(d.desired, 0) << d.reason;
  EXPECT_TRUE(Contains(d.reason, "within its lease after restart")) << d.reason;
}

TEST(DemotionController, RestoreKeepsTheRecordedHoldAndSkipsUnknownChecks) {
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

TEST(DemotionController, RestoredShareWaitsForAPeerNotHeardFromYet) {
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
