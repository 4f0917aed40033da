// The demotion controller inside the real binary: the keepalived track
// file follows a failing check, the decision is visible in
// /api/v1/status and /metrics, SIGTERM withdraws, and kill -9 at random
// moments while the contribution flips never leaves the file out of step
// with the recorded state.

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>
#include <vector>

#include "exporter/demotion/demotion_state_store.h"
#include "exporter/platform/atomic_file.h"
#include "tests/support/exporter_process.h"

namespace ipv6ha {
namespace {

using testing::ExporterProcess;
using testing::HttpGet;
using testing::TempDir;
using testing::WaitFor;
using namespace std::chrono_literals;

std::string Config(const TempDir& dir, int port, const std::string& argv,
                   const std::string& extra = "") {
  return "listen: \"127.0.0.1:" + std::to_string(port) +
         "\"\n"
         "node: {name: fw1}\n"
         "role: {source: static, static: backup}\n"
         "peer: {name: fw2}\n"
         "checks:\n"
         "  nptv6_rules: {type: command, argv: " +
         argv +
         ", interval: 100ms, timeout: 1s, weight: 50}\n"
         "demotion:\n"
         "  sink: keepalived_track_file\n"
         "  track_file: " +
         (dir.path() / "run/demote").string() +
         "\n"
         "  state_file: " +
         (dir.path() / "state.json").string() +
         "\n"
         "  fall: 1\n  rise: 1\n  hold_down: 0s\n" +
         extra;
}

std::optional<std::int64_t> TrackFile(const TempDir& dir) {
  auto text = ReadSmallFile((dir.path() / "run/demote").string());
  if (!text) return std::nullopt;
  return std::stoll(*text);
}

TEST(DemotionDaemon, FailingCheckOnBackupDemotesAndSigtermWithdraws) {
  TempDir dir;
  const int port = testing::FreePort();
  const auto config = dir.Write("c.yml", Config(dir, port, "[/bin/false]"));
  ExporterProcess p({"--config", config});
  ASSERT_TRUE(p.WaitReady(port)) << p.Log();
  ASSERT_TRUE(WaitFor([&] { return TrackFile(dir) == 50; }, 5s)) << p.Log();
  // The report follows the write at the end of the same evaluation.
  nlohmann::json doc;
  EXPECT_TRUE(WaitFor(
      [&] {
        auto status = HttpGet("127.0.0.1", port, "/api/v1/status");
        if (!status || status->status != 200) return false;
        doc = nlohmann::json::parse(status->body);
        return doc["controller"]["applied"] == 50;
      },
      5s))
      << doc.dump();
  EXPECT_NE(doc["controller"]["reason"].get<std::string>().find(
                "demoting by 50: nptv6_rules failed"),
            std::string::npos)
      << doc["controller"].dump();
  auto metrics = HttpGet("127.0.0.1", port, "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("ipv6_ha_demotion_applied 50"),
            std::string::npos);
  EXPECT_NE(metrics->body.find("ipv6_ha_role{role=\"backup\"} 1"),
            std::string::npos);
  EXPECT_EQ(p.Stop(10s), 0) << p.Log();
  EXPECT_EQ(TrackFile(dir), 0);
}

// Shutdown stops the checks' programs before it withdraws, and refuses any
// that start after: the `command` sink's own program must still run then.
TEST(DemotionDaemon, CommandSinkWithdrawsOnSigtermWhileACheckHangs) {
  TempDir dir;
  const int port = testing::FreePort();
  const std::string log = (dir.path() / "sink.log").string();
  const auto config = dir.Write(
      "c.yml", "listen: \"127.0.0.1:" + std::to_string(port) +
                   "\"\n"
                   "node: {name: fw1}\n"
                   "role: {source: static, static: backup}\n"
                   "peer: {name: fw2}\n"
                   "checks:\n"
                   "  radvd: {type: command, argv: [/bin/false], interval: "
                   "100ms, weight: 50}\n"
                   "  hung: {type: command, argv: [/bin/sleep, '1000'], "
                   "timeout: 60s, weight: 0}\n"
                   "demotion:\n"
                   "  sink: command\n"
                   "  command: [/bin/sh, -c, 'echo \"$1 $2\" >> " +
                   log + "', sink]\n  state_file: " +
                   (dir.path() / "state.json").string() +
                   "\n  fall: 1\n  rise: 1\n  hold_down: 0s\n");
  auto lines = [&] {
    std::ifstream in(log);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  };
  ExporterProcess p({"--config", config});
  ASSERT_TRUE(p.WaitReady(port)) << p.Log();
  ASSERT_TRUE(WaitFor(
      [&] {
        auto l = lines();
        return !l.empty() && l.back() == "50 0";
      },
      5s))
      << p.Log();
  // SIGTERM while the hung check's program runs.
  ASSERT_TRUE(WaitFor([&] { return !p.Children().empty(); }, 5s)) << p.Log();
  EXPECT_EQ(p.Stop(5s), 0) << p.Log();
  EXPECT_EQ(lines().back(), "0 50") << p.Log();
  EXPECT_TRUE(p.LeftRunning(2s).empty());
}

TEST(DemotionDaemon, KillNineWhileFlippingNeverLeavesTheTrackFileOutOfStep) {
  TempDir dir;
  const int port = testing::FreePort();
  // Fails and passes alternately, every 100 ms.
  const auto config = dir.Write(
      "c.yml",
      Config(dir, port,
             "[/bin/sh, -c, 'test $(( $(date +%s%N) / 100000000 % 2 )) = 0']"));
  std::mt19937 rng(7);
  for (int i = 0; i < 30; ++i) {
    {
      ExporterProcess p({"--config", config});
      ASSERT_TRUE(p.WaitReady(port)) << p.Log();
      std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 400));
      p.Signal(SIGKILL);
    }
    auto state =
        DemotionStateStore((dir.path() / "state.json").string()).Load();
    ASSERT_TRUE(state.ok())
        << "iteration " << i << ": " << state.error().message;
    const auto file = TrackFile(dir);
    if (!state->has_value()) {
      // Killed before the first start got as far as recording anything.
      EXPECT_TRUE(!file || *file == 0) << "iteration " << i;
      continue;
    }
    // keepalived reads a missing file as 0; it is missing only before the
    // very first write.
    const std::int64_t value = file.value_or(0);
    const auto& s = **state;
    EXPECT_TRUE(value == s.applied || (s.pending && value == *s.pending))
        << "iteration " << i << ": file " << value << ", state "
        << SerializeDemotionState(s);
  }
  ExporterProcess last({"--config", config});
  ASSERT_TRUE(last.WaitReady(port)) << last.Log();
  EXPECT_EQ(last.Stop(10s), 0);
  EXPECT_EQ(TrackFile(dir), 0);
  EXPECT_EQ((*DemotionStateStore((dir.path() / "state.json").string()).Load())
                ->applied,
            0);
}

TEST(DemotionDaemon, CheckSubcommandShowsTheLeaseOfEveryShare) {
  TempDir dir;
  const auto config = dir.Write(
      "c.yml",
      Config(dir, testing::FreePort(), "[/bin/false]", "  unknown_hold: 2m\n"));
  auto text = testing::RunProgram({IPV6HA_BINARY, "check", "--config", config});
  EXPECT_EQ(text.exit_code, 2) << text.err;
  // interval 100ms + timeout 1s + unknown_hold 2m
  EXPECT_NE(text.out.find("  lease nptv6_rules: weight 50, evidence fail, "
                          "2m1s left (unknown_hold 2m), contributing\n"),
            std::string::npos)
      << text.out;
  auto json = testing::RunProgram(
      {IPV6HA_BINARY, "check", "--config", config, "--json"});
  const auto doc = nlohmann::json::parse(json.out);
  const auto& c = doc["controller"];
  EXPECT_EQ(c["unknown_hold"], "2m");
  ASSERT_EQ(c["checks"].size(), 1u) << c.dump();
  EXPECT_EQ(c["checks"][0]["evidence"], "fail");
  EXPECT_NEAR(c["checks"][0]["lease"]["remaining_seconds"].get<double>(), 121.1,
              0.5);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "state.json"))
      << "check writes nothing";
}

}  // namespace
}  // namespace ipv6ha
