// ipv6_connectivity under random loss, end to end through the demotion
// controller: lab scenario 4 (30% loss on the MASTER's upstream path while
// the peer vouches for its own) must not demote, a total loss must demote
// after `fall` runs. Each simulated run does what Ipv6ConnectivityCheck::Run
// does with its probes' outcomes: one ProbeStats::RecordRun per target,
// EvaluateTarget, EvaluateConnectivity; the losses come from a seeded
// std::mt19937 (its sequence is fixed by the standard), drawn like the lab's
// nftables rule `numgen random mod 100 < 30 drop`.

#include <gtest/gtest.h>

#include <optional>
#include <random>

#include "checks/ipv6_connectivity_check.h"
#include "exporter/demotion/demotion_controller.h"
#include "tests/support/peer_document.h"

namespace ipv6ha {
namespace {

using std::chrono::milliseconds;

constexpr auto kInterval = milliseconds(200);  // the lab's interval
constexpr int kTenHoursOfRuns = 10 * 3600 * 5;

// The peer of scenario 4: ready, its own ipv6_connectivity ok.
PeerSnapshot VouchingPeer(ControllerTime now) {
  PeerSnapshot p;
  p.fetched_at = now;
  p.reachable = true;
  p.api_ok = true;
  p.status = testing::PeerDocument({{"node", "fw2"},
                                    {"role", "backup"},
                                    {"ready", true},
                                    {"checks",
                                     {{{"name", "ipv6_connectivity"},
                                       {"status", "ok"},
                                       {"scope", "upstream"}}}},
                                    {"controller", {{"desired", 0}}}});
  return p;
}

Ipv6ConnectivityConfig LabConfig(int probes) {
  Ipv6ConnectivityConfig c;
  c.targets = {"2001:db8:ffff::1", "2001:db8:ffff::2", "2001:db8:ffff::3"};
  c.quorum = 1;
  c.probes = probes;
  c.window = 20 * probes;
  return c;
}

ControllerParams LabParams() {
  ControllerParams p;  // fall 3, rise 5, like the lab
  p.hold_down = std::chrono::seconds(3);
  p.peer_name = "fw2";
  return p;
}

CheckSettings LabCheck() {
  CheckSettings s;
  s.name = s.type = "ipv6_connectivity";
  s.scope = Scope::kUpstream;
  s.weight = 100;
  s.interval = kInterval;
  s.timeout = milliseconds(150);
  return s;
}

// fw1 of the lab: its check's targets behind a path with random loss, and
// its controller, on MASTER with a vouching peer, one run every 200 ms.
class LossyMaster {
 public:
  LossyMaster(Ipv6ConnectivityConfig config, unsigned seed)
      : config_(std::move(config)),
        rng_(seed),
        controller_(LabParams(), {LabCheck()}),
        peer_(VouchingPeer(now_)) {
    for (std::size_t i = 0; i < config_.targets.size(); ++i) {
      stats_.emplace_back(static_cast<std::size_t>(config_.window));
    }
  }

  // Runs the check up to `runs` times under `loss_percent` loss; the index
  // of the first run after which the controller wants a contribution, or
  // nullopt.
  std::optional<int> RunsUntilDemotion(int loss_percent, int runs) {
    for (int i = 0; i < runs; ++i) {
      now_ += kInterval;
      peer_.fetched_at = now_;
      ControllerSnapshot s;
      s.events = {{"ipv6_connectivity", RunCheck(loss_percent), true, now_}};
      s.role = Role::kMaster;
      s.peer = peer_;
      s.now = now_;
      if (controller_.Evaluate(s).desired > 0) {
        return i;
      }
    }
    return std::nullopt;
  }

 private:
  // One run of the check: `probes` probes to every target.
  CheckStatus RunCheck(int loss_percent) {
    std::vector<TargetVerdict> verdicts;
    for (auto& s : stats_) {
      std::vector<ProbeOutcome> run;
      for (int k = 0; k < config_.probes; ++k)
        run.push_back(Probe(loss_percent));
      s.RecordRun(run);
      verdicts.push_back(EvaluateTarget(s, config_));
    }
    return EvaluateConnectivity(config_.targets, verdicts, config_,
                                Role::kMaster)
        .status;
  }

  ProbeOutcome Probe(int loss_percent) {
    if (static_cast<int>(rng_() % 100) < loss_percent) {
      return {
          ProbeResult::kFailure, {}, "cannot send: Operation not permitted"};
    }
    return {ProbeResult::kSuccess, std::chrono::microseconds(80), ""};
  }

  Ipv6ConnectivityConfig config_;
  std::mt19937 rng_;
  std::vector<ProbeStats> stats_;
  DemotionController controller_;
  ControllerTime now_ = ControllerTime{} + std::chrono::hours(1);
  PeerSnapshot peer_;
};

TEST(Ipv6ConnectivityLossTest, ThirtyPercentLossNeverDemotesInTenHours) {
  for (unsigned seed : {1u, 4u, 2024u}) {
    LossyMaster fw1(LabConfig(3), seed);
    EXPECT_EQ(fw1.RunsUntilDemotion(30, kTenHoursOfRuns), std::nullopt)
        << "seed " << seed;
  }
}

// The cause of scenario 4's false failovers: with one probe per target per
// run, a run fails with 0.3^3 = 2.7%, and `fall` (3) failed runs in a row
// come about once in 5.3e4 runs: within 60 s (300 runs) with 0.57%, within
// ten hours almost surely.
TEST(Ipv6ConnectivityLossTest, OneProbePerRunDemotesUnderThirtyPercentLoss) {
  for (unsigned seed : {1u, 4u, 2024u}) {
    LossyMaster fw1(LabConfig(1), seed);
    EXPECT_NE(fw1.RunsUntilDemotion(30, kTenHoursOfRuns), std::nullopt)
        << "seed " << seed;
  }
}

TEST(Ipv6ConnectivityLossTest, TotalLossDemotesAfterFallRuns) {
  LossyMaster fw1(LabConfig(3), 1);
  // Runs 0, 1, 2 fail; the third is `fall`: 3 x 200 ms after the loss began.
  EXPECT_EQ(fw1.RunsUntilDemotion(100, 100), 2);
}

TEST(Ipv6ConnectivityLossTest, TotalLossAfterALossyMinuteDemotesAsFast) {
  LossyMaster fw1(LabConfig(3), 7);
  ASSERT_EQ(fw1.RunsUntilDemotion(30, 300), std::nullopt);
  const auto run = fw1.RunsUntilDemotion(100, 100);
  ASSERT_TRUE(run.has_value());
  EXPECT_LE(*run, 2);
}

}  // namespace
}  // namespace ipv6ha
