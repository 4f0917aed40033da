// The OPNsense rc.syshook.d/carp hook as OPNsense runs it on a CARP
// transition: it signals the exporter named in the pidfile with SIGUSR1, and
// the running exporter re-runs its checks at once.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/exporter_process.h"

namespace ipv6ha {
namespace {

using testing::RunProgram;
using testing::TempDir;

const std::string kCarpHook =
    std::string(IPV6HA_SOURCE_DIR) +
    "/rc.d/opnsense/rc.syshook.d/carp/50-ipv6_ha_exporter";

TEST(CarpSyshook, SignalsTheExporterNamedInThePidfileWithSigusr1) {
  TempDir dir;
  pid_t child = fork();
  if (child == 0) {
    execl("/bin/sleep", "sleep", "30", static_cast<char*>(nullptr));
    _exit(127);
  }
  const std::string pidfile =
      dir.Write("ipv6_ha_exporter.pid", std::to_string(child) + "\n");
  auto r = RunProgram({"/usr/bin/env", "IPV6_HA_EXPORTER_PIDFILE=" + pidfile,
                       "/bin/sh", kCarpHook, "1@igc0", "MASTER"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  int status = 0;
  // sleep does not catch SIGUSR1, so it dies of it: proof of delivery.
  bool reaped = testing::WaitFor(
      [&] { return waitpid(child, &status, WNOHANG) == child; },
      std::chrono::seconds(5));
  if (!reaped) {
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
  }
  ASSERT_TRUE(reaped);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGUSR1);
}

// SIGUSR1 from the hook makes the running exporter re-run its checks at once
// (the check's interval is an hour, so only the hook can cause a second run).
TEST(CarpSyshook, RunningExporterRerunsItsChecksAndKeepsRunning) {
  TempDir dir;
  const int port = testing::FreePort();
  const std::string config = dir.Write(
      "ipv6_ha_exporter.yml", "listen: [\"127.0.0.1:" + std::to_string(port) +
                                  "\"]\n"
                                  "role: {source: static, static: master}\n"
                                  "checks:\n  probe: {type: command, argv: "
                                  "[/bin/true], interval: 1h}\n");
  testing::ExporterProcess exporter({"--config", config});
  ASSERT_TRUE(exporter.WaitReady(port)) << exporter.Log();
  auto runs = [&] {
    auto r = testing::HttpGet("127.0.0.1", port, "/api/v1/status");
    if (!r) return -1;
    auto doc = nlohmann::json::parse(r->body, nullptr, false);
    if (!doc.contains("checks") || doc["checks"].empty()) return -1;
    return doc["checks"][0].value("runs", -1);
  };
  ASSERT_TRUE(
      testing::WaitFor([&] { return runs() == 1; }, std::chrono::seconds(10)));
  const std::string pidfile =
      dir.Write("ipv6_ha_exporter.pid", std::to_string(exporter.pid()) + "\n");
  auto r = RunProgram({"/usr/bin/env", "IPV6_HA_EXPORTER_PIDFILE=" + pidfile,
                       "/bin/sh", kCarpHook, "1@igc0", "MASTER"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(
      testing::WaitFor([&] { return runs() >= 2; }, std::chrono::seconds(10)))
      << exporter.Log();
  EXPECT_TRUE(exporter.Running());
}

TEST(CarpSyshook, MissingOrGarbledPidfileStillExitsZero) {
  TempDir dir;
  auto missing = RunProgram(
      {"/usr/bin/env",
       "IPV6_HA_EXPORTER_PIDFILE=" + (dir.path() / "none.pid").string(),
       "/bin/sh", kCarpHook, "1@igc0", "BACKUP"});
  EXPECT_EQ(missing.exit_code, 0);
  const std::string garbled = dir.Write("x.pid", "-1; rm -rf /\n");
  auto r = RunProgram({"/usr/bin/env", "IPV6_HA_EXPORTER_PIDFILE=" + garbled,
                       "/bin/sh", kCarpHook, "1@igc0", "BACKUP"});
  EXPECT_EQ(r.exit_code, 0);
}

}  // namespace
}  // namespace ipv6ha
