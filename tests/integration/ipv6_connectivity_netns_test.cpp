// ipv6_connectivity with real packets between two network namespaces
// (root only). See connectivity_lab.h for the topology.

#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>

#include "tests/integration/connectivity_lab.h"

namespace ipv6ha::testing {
namespace {

using std::chrono::milliseconds;

const char kFastIcmp[] =
    R"(    targets: ["2001:db8:100::1", "2001:db8:100::2", "2001:db8:100::3"]
    interval: 200ms
    timeout: 150ms
    quorum: 2
    down_after: 3
)";

CheckEnv RawEnv() {
  CheckEnv env;
  env.prober = std::make_shared<Prober>(Prober::Options{IcmpSocketKind::kRaw});
  return env;
}

TEST_F(ConnectivityLab, AllTargetsUpIsOk) {
  CheckRunner runner(*router_, Yaml(kFastIcmp), RawEnv());
  ASSERT_TRUE(runner.WaitForStreak(CheckStatus::kOk, 2, milliseconds(3000)));
  auto latest = *runner.Latest();
  EXPECT_EQ(latest.summary, "3/3 targets reachable (quorum 2)");
  for (const auto& t : latest.details["targets"]) {
    EXPECT_LT(t["rtt_seconds"].get<double>(), 0.05) << t.dump();
  }
}

TEST_F(ConnectivityLab, OneDeadTargetIsNotAnOutageWithQuorumTwo) {
  ASSERT_TRUE(DropEchoTo("2001:db8:100::1"));
  CheckRunner runner(*router_, Yaml(kFastIcmp), RawEnv());
  // Long enough for down_after (3 runs without an answer) to mark the
  // target down.
  ASSERT_TRUE(WaitFor(
      [&] {
        auto l = runner.Latest();
        return l && l->details.value("reachable_targets", 0) == 2;
      },
      milliseconds(3000)));
  for (const auto& p : runner.History())
    EXPECT_EQ(p.status, CheckStatus::kOk) << p.summary;
  auto latest = *runner.Latest();
  EXPECT_EQ(latest.summary.rfind("2/3 targets reachable", 0), 0u)
      << latest.summary;
  EXPECT_NE(latest.summary.find("2001:db8:100::1: timeout after"),
            std::string::npos)
      << latest.summary;
}

TEST_F(ConnectivityLab, TotalLossFailsWithinThreeIntervalsPlusTheTimeout) {
  CheckRunner runner(*router_, Yaml(kFastIcmp), RawEnv());
  ASSERT_TRUE(runner.WaitForStreak(CheckStatus::kOk, 2, milliseconds(3000)));
  ASSERT_TRUE(Nft("add rule inet lab input icmpv6 type echo-request drop"));
  const auto outage = std::chrono::steady_clock::now();
  ASSERT_TRUE(
      WaitFor([&] { return runner.Latest()->status == CheckStatus::kFail; },
              milliseconds(3000)));
  std::chrono::steady_clock::time_point first_fail{};
  for (const auto& p : runner.History()) {
    if (p.at >= outage && p.status == CheckStatus::kFail) {
      first_fail = p.at;
      break;
    }
  }
  const auto detection =
      std::chrono::duration_cast<milliseconds>(first_fail - outage);
  std::printf(
      "detection time (interval 200ms, timeout 150ms, down_after 3): %lld ms "
      "(bound 3 x 200 + 150 = 750 ms)\n",
      static_cast<long long>(detection.count()));
  // 100 ms of slack for scheduling on a busy CI machine.
  EXPECT_LE(detection, milliseconds(750 + 100));
  EXPECT_NE(runner.Latest()->summary.find("0/3 targets reachable"),
            std::string::npos);
}

TEST_F(ConnectivityLab, RandomLossIsMeasuredAndDoesNotFlapBelowTheThreshold) {
  ASSERT_TRUE(
      Nft("add rule inet lab input icmpv6 type echo-request numgen random mod "
          "100 < 30 drop"));
  CheckRunner runner(
      *router_,
      Yaml(
          R"(    targets: ["2001:db8:100::1", "2001:db8:100::2", "2001:db8:100::3"]
    interval: 100ms
    timeout: 80ms
    quorum: 1
    window: 40
    down_after: 3
    max_loss: 0.5
)"),
      RawEnv());
  // Fill the window (40 probes: 14 runs of 3), then watch 40 more runs.
  ASSERT_TRUE(WaitFor([&] { return runner.History().size() >= 40; },
                      milliseconds(8000)));
  const std::size_t start = runner.History().size();
  ASSERT_TRUE(WaitFor([&] { return runner.History().size() >= start + 40; },
                      milliseconds(8000)));
  auto history = runner.History();
  // A flap is a `fail`. An `unknown` "timed out" is the scheduler's verdict
  // on an overloaded machine, not the check's, and never demotes.
  int failed = 0;
  int timed_out = 0;
  for (std::size_t i = start; i < history.size(); ++i) {
    failed += history[i].status == CheckStatus::kFail;
    timed_out += history[i].status == CheckStatus::kUnknown;
    if (history[i].status != CheckStatus::kOk) {
      std::printf("not ok: %s\n", history[i].summary.c_str());
    }
  }
  EXPECT_EQ(failed, 0) << "the check flapped with 30% loss and max_loss 50%";
  // Bounded so a systematically slow check still fails the test.
  EXPECT_LE(timed_out, 10);
  double loss = 0;
  for (const auto& t : history.back().details["targets"])
    loss += t["loss_ratio"].get<double>();
  loss /= 3;
  std::printf("measured loss ratio with 30%% random drop: %.3f\n", loss);
  EXPECT_GT(loss, 0.15);
  EXPECT_LT(loss, 0.45);
}

TEST_F(ConnectivityLab, LinkDownFailsWithTheReason) {
  CheckRunner runner(*router_, Yaml(kFastIcmp), RawEnv());
  ASSERT_TRUE(runner.WaitForStreak(CheckStatus::kOk, 1, milliseconds(3000)));
  ASSERT_TRUE(router_->MustExec({"ip", "link", "set", "wan0", "down"}));
  ASSERT_TRUE(runner.WaitForStreak(CheckStatus::kFail, 1, milliseconds(3000)));
  const std::string summary = runner.Latest()->summary;
  EXPECT_NE(summary.find("Network is unreachable"), std::string::npos)
      << summary;
  // And it recovers when the link and route come back.
  // Linux drops a link's IPv6 addresses when it goes down: restore them.
  ASSERT_TRUE(router_->MustExec({"ip", "link", "set", "wan0", "up"}));
  ASSERT_TRUE(router_->MustExec({"ip", "-6", "addr", "replace",
                                 "2001:db8:f::2/64", "dev", "wan0", "nodad"}));
  ASSERT_TRUE(AddRoute());
  EXPECT_TRUE(runner.WaitForStreak(CheckStatus::kOk, 1, milliseconds(5000)));
}

TEST_F(ConnectivityLab, IcmpErrorFailsTheTargetWithItsReason) {
  ASSERT_TRUE(
      Nft("add rule inet lab input ip6 daddr 2001:db8:100::3 icmpv6 type "
          "echo-request reject with icmpv6 type no-route"));
  CheckRunner runner(*router_, Yaml(R"(    targets: ["2001:db8:100::3"]
    interval: 200ms
    timeout: 150ms
)"),
                     RawEnv());
  ASSERT_TRUE(runner.WaitForStreak(CheckStatus::kFail, 1, milliseconds(3000)));
  EXPECT_NE(runner.Latest()->summary.find("destination unreachable: no route"),
            std::string::npos)
      << runner.Latest()->summary;
}

TEST_F(ConnectivityLab, DatagramPingSocketsWorkWithoutRawSockets) {
  // Unprivileged ICMP is a per-namespace setting: allow it in router only.
  ASSERT_TRUE(router_->MustExec(
      {"sysctl", "-qw", "net.ipv4.ping_group_range=0 2147483647"}));
  ASSERT_TRUE(
      Nft("add rule inet lab input ip6 daddr 2001:db8:100::3 icmpv6 type "
          "echo-request reject with icmpv6 type admin-prohibited"));
  CheckEnv env;
  env.prober =
      std::make_shared<Prober>(Prober::Options{IcmpSocketKind::kDatagram});
  CheckRunner runner(*router_,
                     Yaml(R"(    targets: ["2001:db8:100::1", "2001:db8:100::3"]
    interval: 200ms
    timeout: 150ms
)"),
                     env);
  ASSERT_TRUE(WaitFor([&] { return runner.History().size() >= 2; },
                      milliseconds(3000)));
  auto latest = *runner.Latest();
  EXPECT_EQ(latest.status, CheckStatus::kOk) << latest.summary;
  EXPECT_NE(latest.summary.find(
                "2001:db8:100::3: destination unreachable: administratively "
                "prohibited"),
            std::string::npos)
      << latest.summary;
}

TEST_F(ConnectivityLab, TcpMethodConnectsToAListenerInTheIsp) {
  NsListener listener(*isp_, "2001:db8:100::1", 8443);
  CheckRunner runner(*router_,
                     Yaml(R"(    targets: ["2001:db8:100::1", "2001:db8:100::2"]
    method: tcp:8443
    interval: 200ms
    timeout: 150ms
    quorum: 1
)"),
                     RawEnv());
  ASSERT_TRUE(WaitFor([&] { return runner.History().size() >= 2; },
                      milliseconds(3000)));
  auto latest = *runner.Latest();
  EXPECT_EQ(latest.status, CheckStatus::kOk) << latest.summary;
  EXPECT_EQ(latest.summary.rfind("1/2 targets reachable (quorum 1): "
                                 "2001:db8:100::2: connection refused",
                                 0),
            0u)
      << latest.summary;
}

}  // namespace
}  // namespace ipv6ha::testing
