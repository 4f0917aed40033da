// Faults of the programs that command checks run, against the real binary:
// one hangs forever, one prints 100 MB, one does not exist. Each must be
// reported unknown within its timeout while a healthy check keeps its
// cadence and scrapes stay fast, and no zombie child may remain.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "tests/support/exporter_process.h"
#include "tests/support/proc_status.h"

namespace ipv6ha {
namespace {

using ::ipv6ha::testing::ExporterProcess;
using ::ipv6ha::testing::FreePort;
using ::ipv6ha::testing::HttpGet;
using ::ipv6ha::testing::TempDir;
using ::ipv6ha::testing::WaitFor;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Children of `parent` in state Z.
std::set<int> ZombieChildren(int parent) {
  const auto zombies = ::ipv6ha::testing::ProcessesWhere(
      [&](const ::ipv6ha::testing::ProcStat& s) {
        return s.ppid == parent && s.state == 'Z';
      });
  return {zombies.begin(), zombies.end()};
}

nlohmann::json CheckStatus(int port, const std::string& name) {
  auto r = HttpGet("127.0.0.1", port, "/api/v1/status", "", 2s);
  if (!r || r->status != 200) return {};
  auto doc = nlohmann::json::parse(r->body, nullptr, false);
  if (doc.is_discarded()) return {};
  for (const auto& c : doc["checks"]) {
    if (c.value("name", "") == name) return c;
  }
  return {};
}

class CommandFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = FreePort();
    auto cfg =
        dir_.Write("c.yml", "listen: [\"127.0.0.1:" + std::to_string(port_) +
                                "\"]\n"
                                "node: {name: faults}\n"
                                "role: {source: static, static: master}\n"
                                "checks:\n"
                                "  hangs: {type: command, argv: [/bin/sleep, "
                                "'100000'], interval: 1s, timeout: 500ms}\n"
                                "  floods: {type: command, argv: [/bin/sh, -c, "
                                "'head -c 100000000 /dev/zero | tr "
                                "\"\\\\0\" x'], interval: 1s, timeout: 2s}\n"
                                "  missing: {type: command, argv: "
                                "[/nonexistent/ipv6ha-probe], interval: 1s, "
                                "timeout: 500ms}\n"
                                "  healthy: {type: command, argv: [/bin/true], "
                                "interval: 200ms, timeout: 1s}\n");
    exporter_ = std::make_unique<ExporterProcess>(
        std::vector<std::string>{"--config", cfg});
    ASSERT_TRUE(exporter_->WaitReady(port_)) << exporter_->Log();
    // The scheduler starts right after the HTTP server: time from here, so a
    // slow start (sanitizer builds) does not eat into the checks' budgets.
    start_ = Clock::now();
  }
  // SIGTERM, not the destructor's SIGKILL: a killed exporter cannot kill the
  // program a check is running, which would then outlive it.
  void TearDown() override {
    if (exporter_) exporter_->Stop();
  }

  TempDir dir_;
  int port_ = 0;
  Clock::time_point start_;
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(CommandFaultTest, EachFaultyCommandIsUnknownWithinItsTimeout) {
  // First runs start at once; each must be unknown by its timeout plus slack
  // for process start-up on a loaded CI machine.
  for (const auto& [name, limit] : {std::pair{"hangs", 500ms + 1500ms},
                                    std::pair{"floods", 2000ms + 1500ms},
                                    std::pair{"missing", 500ms + 1500ms}}) {
    const bool unknown = WaitFor(
        [&, n = name] {
          auto c =
              CheckStatus(port_, n);  // before the first run it is unknown too
          return c.value("runs", 0) >= 1 && c.value("status", "") == "unknown";
        },
        std::chrono::duration_cast<std::chrono::milliseconds>(
            limit - (Clock::now() - start_)));
    EXPECT_TRUE(unknown) << name << ": " << CheckStatus(port_, name).dump();
  }
  EXPECT_NE(CheckStatus(port_, "hangs").value("summary", "").find("timed out"),
            std::string::npos);
  EXPECT_NE(
      CheckStatus(port_, "missing").value("summary", "").find("cannot run"),
      std::string::npos);
}

TEST_F(CommandFaultTest, HealthyCheckAndScrapesAreUnaffected) {
  ASSERT_TRUE(WaitFor(
      [&] { return CheckStatus(port_, "healthy").value("runs", 0) >= 1; }, 3s));
  const auto runs_before = CheckStatus(port_, "healthy").value("runs", 0);
  const auto t0 = Clock::now();
  // 3 s covers several runs of every faulty check.
  double worst_ms = 0;
  while (Clock::now() - t0 < 3s) {
    const auto s = Clock::now();
    auto r = HttpGet("127.0.0.1", port_, "/metrics", "", 2s);
    ASSERT_TRUE(r && r->status == 200);
    worst_ms = std::max(
        worst_ms,
        std::chrono::duration<double, std::milli>(Clock::now() - s).count());
    struct timespec ts {
      0, 50'000'000
    };
    nanosleep(&ts, nullptr);
  }
  const auto elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  const auto runs =
      CheckStatus(port_, "healthy").value("runs", 0) - runs_before;
  RecordProperty("healthy_runs", std::to_string(runs));
  RecordProperty("worst_scrape_ms", std::to_string(worst_ms));
  // Interval 200 ms: 15 runs in 3 s; allow a little for a loaded machine.
  EXPECT_GE(runs, static_cast<int>(elapsed / 0.2) - 2);
  EXPECT_EQ(CheckStatus(port_, "healthy").value("status", ""), "ok");
  EXPECT_LT(worst_ms, 500.0);
  EXPECT_TRUE(exporter_->Running());
}

TEST_F(CommandFaultTest, NoZombieOrStrayChildRemains) {
  // Let every faulty check run (and be killed) a few times.
  ASSERT_TRUE(WaitFor(
      [&] { return CheckStatus(port_, "floods").value("runs", 0) >= 2; }, 8s));
  // A child may be a zombie for the instant between its exit and waitpid();
  // one that stays a zombie across samples 300 ms apart was never reaped.
  std::set<int> seen = ZombieChildren(exporter_->pid());
  for (int i = 0; i < 5; ++i) {
    struct timespec ts {
      0, 300'000'000
    };
    nanosleep(&ts, nullptr);
    std::set<int> now = ZombieChildren(exporter_->pid());
    for (int pid : now) {
      EXPECT_EQ(seen.count(pid), 0u)
          << "zombie child " << pid << " was never reaped";
    }
    seen = now;
  }
  // After a clean stop no process of the checks survives (they ran in their
  // own process groups, killed at the timeout or at the stop).
  EXPECT_EQ(exporter_->Stop(), 0) << exporter_->Log();
  EXPECT_TRUE(exporter_->LeftRunning(3s).empty())
      << "a program of the checks survived the exporter";
}

}  // namespace
}  // namespace ipv6ha
