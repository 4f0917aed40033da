#include "checks/ipv6_connectivity_check.h"

#include <gtest/gtest.h>

#include "checks/probe/probe_method.h"
#include "exporter/config/config.h"

namespace ipv6ha {
namespace {

using State = TargetVerdict::State;
using std::chrono::milliseconds;

ProbeOutcome Ok(int rtt_ms) {
  return {ProbeResult::kSuccess, milliseconds(rtt_ms), ""};
}
ProbeOutcome Lost() {
  return {ProbeResult::kFailure, {}, "timeout after 150ms"};
}

ProbeStats StatsOf(std::initializer_list<ProbeOutcome> outcomes,
                   std::size_t window = 10) {
  ProbeStats s(window);
  for (const auto& o : outcomes) s.Record(o);
  return s;
}

TEST(Ipv6ConnectivityTargetTest, AnsweringTargetIsHealthy) {
  Ipv6ConnectivityConfig c;
  EXPECT_EQ(EvaluateTarget(StatsOf({Ok(5)}), c).state, State::kHealthy);
}

TEST(Ipv6ConnectivityTargetTest, LostProbeMakesTargetDownWithItsReason) {
  Ipv6ConnectivityConfig c;
  auto v = EvaluateTarget(StatsOf({Ok(5), Lost()}), c);
  EXPECT_EQ(v.state, State::kDown);
  EXPECT_EQ(v.reason, "timeout after 150ms");
}

TEST(Ipv6ConnectivityTargetTest, DownAfterNeedsThatManyLostProbesInARow) {
  Ipv6ConnectivityConfig c;
  c.down_after = 3;
  EXPECT_EQ(EvaluateTarget(StatsOf({Ok(5), Lost(), Lost()}), c).state,
            State::kHealthy);
  auto v = EvaluateTarget(StatsOf({Ok(5), Lost(), Lost(), Lost()}), c);
  EXPECT_EQ(v.state, State::kDown);
  EXPECT_NE(v.reason.find("3 probes in a row"), std::string::npos);
}

TEST(Ipv6ConnectivityTargetTest, OneAnswerInARunKeepsTargetHealthy) {
  Ipv6ConnectivityConfig c;
  ProbeStats s(10);
  s.RecordRun({Lost(), Lost(), Ok(5)});
  EXPECT_EQ(EvaluateTarget(s, c).state, State::kHealthy);
  s.RecordRun({Ok(5), Lost(), Lost()});
  EXPECT_EQ(EvaluateTarget(s, c).state, State::kHealthy);
}

TEST(Ipv6ConnectivityTargetTest, DownAfterCountsRunsWithoutAnswer) {
  Ipv6ConnectivityConfig c;
  c.down_after = 2;
  ProbeStats s(10);
  s.RecordRun({Lost(), Lost(), Lost()});
  EXPECT_EQ(EvaluateTarget(s, c).state, State::kHealthy);
  s.RecordRun({Lost(), Lost(), Lost()});
  auto v = EvaluateTarget(s, c);
  EXPECT_EQ(v.state, State::kDown);
  EXPECT_NE(v.reason.find("6 probes in a row"), std::string::npos) << v.reason;
}

TEST(Ipv6ConnectivityTargetTest, LossAboveThresholdIsDegradedAndDown) {
  Ipv6ConnectivityConfig c;
  c.max_loss = 0.2;
  auto v = EvaluateTarget(StatsOf({Lost(), Ok(1), Lost(), Ok(1), Ok(1)}), c);
  EXPECT_EQ(v.state, State::kDown);
  EXPECT_EQ(v.reason, "loss 40% above 20%");
}

TEST(Ipv6ConnectivityTargetTest, LossAtThresholdIsHealthy) {
  Ipv6ConnectivityConfig c;
  c.max_loss = 0.5;
  EXPECT_EQ(EvaluateTarget(StatsOf({Lost(), Ok(1)}), c).state, State::kHealthy);
}

TEST(Ipv6ConnectivityTargetTest, MeanRttAboveThresholdIsDown) {
  Ipv6ConnectivityConfig c;
  c.max_rtt = milliseconds(100);
  EXPECT_EQ(EvaluateTarget(StatsOf({Ok(90), Ok(100)}), c).state,
            State::kHealthy);
  auto v = EvaluateTarget(StatsOf({Ok(90), Ok(200)}), c);
  EXPECT_EQ(v.state, State::kDown);
  EXPECT_EQ(v.reason, "mean RTT 145.0ms above 100.0ms");
}

TEST(Ipv6ConnectivityTargetTest, ProbeThatCouldNotBeSentIsAnError) {
  Ipv6ConnectivityConfig c;
  auto v = EvaluateTarget(
      StatsOf({{ProbeResult::kError, {}, "permission denied"}}), c);
  EXPECT_EQ(v.state, State::kError);
  EXPECT_EQ(v.reason, "cannot probe: permission denied");
}

const std::vector<std::string> kNames = {"a", "b", "c"};
const TargetVerdict kUp{State::kHealthy, ""};
const TargetVerdict kDown{State::kDown, "timeout after 150ms"};
const TargetVerdict kErr{State::kError, "cannot probe: permission denied"};

struct QuorumCase {
  std::vector<TargetVerdict> verdicts;
  int quorum;
  Role role;
  BackupPolicy policy;
  CheckStatus expected;
  std::string missing_path = "";  // what a BACKUP lacks for a path
};

class Ipv6ConnectivityQuorumTest : public ::testing::TestWithParam<QuorumCase> {
};

TEST_P(Ipv6ConnectivityQuorumTest, DecidesTheStatus) {
  const auto& p = GetParam();
  Ipv6ConnectivityConfig c;
  c.quorum = p.quorum;
  c.backup_policy = p.policy;
  EXPECT_EQ(EvaluateConnectivity(kNames, p.verdicts, c, p.role, p.missing_path)
                .status,
            p.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, Ipv6ConnectivityQuorumTest,
    ::testing::Values(
        // all up
        QuorumCase{{kUp, kUp, kUp},
                   2,
                   Role::kMaster,
                   BackupPolicy::kUnknown,
                   CheckStatus::kOk},
        // one dead target is not an outage
        QuorumCase{{kUp, kDown, kUp},
                   2,
                   Role::kMaster,
                   BackupPolicy::kUnknown,
                   CheckStatus::kOk},
        // below quorum
        QuorumCase{{kUp, kDown, kDown},
                   2,
                   Role::kMaster,
                   BackupPolicy::kUnknown,
                   CheckStatus::kFail},
        QuorumCase{{kDown, kDown, kDown},
                   1,
                   Role::kMaster,
                   BackupPolicy::kUnknown,
                   CheckStatus::kFail},
        // the verdict depends on targets that could not be probed
        QuorumCase{{kUp, kErr, kDown},
                   2,
                   Role::kMaster,
                   BackupPolicy::kUnknown,
                   CheckStatus::kUnknown},
        QuorumCase{{kErr, kErr, kErr},
                   1,
                   Role::kMaster,
                   BackupPolicy::kUnknown,
                   CheckStatus::kUnknown},
        // errors that cannot reach quorum anyway: still a failure
        QuorumCase{{kErr, kDown, kDown},
                   2,
                   Role::kMaster,
                   BackupPolicy::kUnknown,
                   CheckStatus::kFail},
        // BACKUP: not applicable by default, evaluated with policy check
        QuorumCase{{kDown, kDown, kDown},
                   1,
                   Role::kBackup,
                   BackupPolicy::kUnknown,
                   CheckStatus::kUnknown},
        QuorumCase{{kUp, kUp, kUp},
                   1,
                   Role::kBackup,
                   BackupPolicy::kUnknown,
                   CheckStatus::kUnknown},
        QuorumCase{{kDown, kDown, kDown},
                   1,
                   Role::kBackup,
                   BackupPolicy::kCheck,
                   CheckStatus::kFail},
        QuorumCase{{kUp, kDown, kDown},
                   1,
                   Role::kBackup,
                   BackupPolicy::kCheck,
                   CheckStatus::kOk},
        // BACKUP, auto (the default): evaluated with a usable upstream
        // path, so it can vouch, and also fail ...
        QuorumCase{{kUp, kUp, kUp},
                   1,
                   Role::kBackup,
                   BackupPolicy::kAuto,
                   CheckStatus::kOk},
        QuorumCase{{kDown, kDown, kDown},
                   1,
                   Role::kBackup,
                   BackupPolicy::kAuto,
                   CheckStatus::kFail},
        // ... without one it is unknown whatever the probes say
        QuorumCase{{kDown, kDown, kDown},
                   1,
                   Role::kBackup,
                   BackupPolicy::kAuto,
                   CheckStatus::kUnknown,
                   "no route to a"},
        QuorumCase{{kUp, kUp, kUp},
                   1,
                   Role::kBackup,
                   BackupPolicy::kAuto,
                   CheckStatus::kUnknown,
                   "no global address on igc0"},
        // a missing path is no concern of a MASTER
        QuorumCase{{kDown, kDown, kDown},
                   1,
                   Role::kMaster,
                   BackupPolicy::kAuto,
                   CheckStatus::kFail,
                   "no route to a"},
        // INIT and unknown roles are evaluated
        QuorumCase{{kDown, kDown, kDown},
                   1,
                   Role::kInit,
                   BackupPolicy::kUnknown,
                   CheckStatus::kFail}));

TEST(Ipv6ConnectivityCheckTest, FailureSummaryNamesTargetsAndReasons) {
  Ipv6ConnectivityConfig c;
  c.quorum = 2;
  auto r = EvaluateConnectivity(kNames, {kUp, kDown, kDown}, c, Role::kMaster);
  EXPECT_EQ(r.summary,
            "1/3 targets reachable (quorum 2): b: timeout after 150ms; c: "
            "timeout after 150ms");
}

TEST(Ipv6ConnectivityCheckTest, OkSummaryStillNamesDeadTargets) {
  Ipv6ConnectivityConfig c;
  c.quorum = 2;
  auto r = EvaluateConnectivity(kNames, {kUp, kDown, kUp}, c, Role::kMaster);
  EXPECT_EQ(r.status, CheckStatus::kOk);
  EXPECT_EQ(r.summary,
            "2/3 targets reachable (quorum 2): b: timeout after 150ms");
}

TEST(Ipv6ConnectivityCheckTest, BackupSummarySaysNotApplicable) {
  Ipv6ConnectivityConfig c;
  c.backup_policy = BackupPolicy::kUnknown;
  auto r =
      EvaluateConnectivity(kNames, {kDown, kDown, kDown}, c, Role::kBackup);
  EXPECT_EQ(r.summary.rfind("not applicable in BACKUP", 0), 0u) << r.summary;
  EXPECT_FALSE(r.Applies()) << "not applicable, not unknown";
  auto fault =
      EvaluateConnectivity(kNames, {kDown, kDown, kDown}, c, Role::kFault);
  EXPECT_EQ(fault.summary.rfind("not applicable in FAULT", 0), 0u);
  EXPECT_FALSE(fault.Applies());
}

TEST(Ipv6ConnectivityCheckTest, BackupWithoutPathSaysWhatIsMissing) {
  Ipv6ConnectivityConfig c;  // backup_policy auto, the default
  auto r = EvaluateConnectivity(kNames, {kDown, kDown, kDown}, c, Role::kBackup,
                                "no global address on igc0");
  EXPECT_EQ(r.summary,
            "no upstream path in BACKUP: no global address on igc0 (0/3 "
            "targets reachable (quorum 1))");
  EXPECT_EQ(r.details["upstream_path"]["usable"], false);
  EXPECT_EQ(r.details["upstream_path"]["missing"], "no global address on igc0");
  // FAULT (keepalived) is judged as BACKUP and named as itself.
  auto fault = EvaluateConnectivity(kNames, {kUp, kUp, kUp}, c, Role::kFault,
                                    "no route to a");
  EXPECT_EQ(fault.status, CheckStatus::kUnknown);
  EXPECT_EQ(fault.summary.rfind("no upstream path in FAULT: no route to a", 0),
            0u)
      << fault.summary;
}

TEST(Ipv6ConnectivityCheckTest, ProbeMethodIsIcmpOrTcpPort) {
  EXPECT_EQ(*ParseProbeMethod("icmp"), 0);
  EXPECT_EQ(*ParseProbeMethod("tcp:443"), 443);
  EXPECT_FALSE(ParseProbeMethod("tcp:").ok());
  EXPECT_FALSE(ParseProbeMethod("tcp:70000").ok());
  EXPECT_FALSE(ParseProbeMethod("udp:53").ok());
}

TEST(Ipv6ConnectivityCheckTest, ProbesWaitTheRunsTimeLeftMinusAMargin) {
  const auto now = std::chrono::steady_clock::now();
  EXPECT_EQ(ProbeWaitFor(now + milliseconds(150), now, milliseconds(150)),
            milliseconds(135));
  EXPECT_EQ(ProbeWaitFor(now + milliseconds(100), now, milliseconds(150)),
            milliseconds(85));
  EXPECT_EQ(ProbeWaitFor(now + milliseconds(80), now, milliseconds(80)),
            milliseconds(70));
  EXPECT_EQ(
      ProbeWaitFor(now + std::chrono::seconds(5), now, std::chrono::seconds(5)),
      milliseconds(4950));
  EXPECT_EQ(ProbeWaitFor(now, now, milliseconds(10)), milliseconds(1));
}

Expected<LoadedConfig> Load(const std::string& yaml) {
  return LoadConfigFromString(yaml, "test.yml", CheckEnv{});
}

TEST(Ipv6ConnectivityConfigTest, FullConfigLoads) {
  auto c = Load(R"(
checks:
  ipv6_connectivity:
    targets: ["2001:db8::1", "2001:db8::2", "::1"]
    method: tcp:443
    interval: 200ms
    timeout: 150ms
    quorum: 2
    probes: 2
    window: 50
    down_after: 3
    max_loss: 0.5
    max_rtt: 100ms
    source: "fd00::1"
    interface: wan0
    backup_policy: check
)");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->checks.size(), 1u);
  EXPECT_EQ(c->checks[0].settings.scope, Scope::kUpstream);
  EXPECT_EQ(c->checks[0].settings.interval, milliseconds(200));
}

TEST(Ipv6ConnectivityConfigTest, BackupPolicyIsAutoUnknownOrCheck) {
  for (const char* policy : {"auto", "unknown", "check"}) {
    auto c = Load(std::string("checks: {ipv6_connectivity: {targets: ['::1'], "
                              "backup_policy: ") +
                  policy + "}}");
    EXPECT_TRUE(c.ok()) << policy << ": " << c.error().message;
  }
}

struct BadConfig {
  const char* yaml;
  const char* message;
};

class Ipv6ConnectivityConfigRejects
    : public ::testing::TestWithParam<BadConfig> {};

TEST_P(Ipv6ConnectivityConfigRejects, WithPosition) {
  auto c = Load(GetParam().yaml);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find(GetParam().message), std::string::npos)
      << c.error().message;
  EXPECT_NE(c.error().message.find("test.yml:"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Table, Ipv6ConnectivityConfigRejects,
    ::testing::Values(
        BadConfig{"checks: {ipv6_connectivity: {method: icmp}}",
                  "targets is required"},
        BadConfig{"checks: {ipv6_connectivity: {targets: ['::1'], quorum: 2}}",
                  "quorum 2 is more than the 1 targets"},
        BadConfig{
            "checks: {ipv6_connectivity: {targets: ['::1'], method: ping}}",
            "must be icmp or tcp:PORT"},
        BadConfig{
            "checks: {ipv6_connectivity: {targets: ['::1'], source: 10.0.0.1}}",
            "is not an IPv6 address"},
        BadConfig{
            "checks: {ipv6_connectivity: {targets: ['::1'], max_loss: 2}}",
            "max_loss"},
        BadConfig{"checks: {ipv6_connectivity: {targets: ['::1'], probes: 0}}",
                  "probes"},
        BadConfig{"checks: {ipv6_connectivity: {targets: ['::1'], "
                  "backup_policy: fail}}",
                  "backup_policy"},
        BadConfig{"checks: {ipv6_connectivity: {targets: ['::1'], qourum: 1}}",
                  "qourum"}));

}  // namespace
}  // namespace ipv6ha
