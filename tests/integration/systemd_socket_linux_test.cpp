// --web.systemd-socket with sockets passed the systemd way: systemd's own
// systemd-socket-activate binds an IPv4 and an IPv6 socket, waits for the
// first connection, then execs the real exporter with LISTEN_FDS=2 and
// LISTEN_PID set, as systemd does for a .socket unit. The exporter serves
// on both and binds nothing of its own (the config's `listen:` port stays
// free). Without sockets from systemd the flag is a clear error.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "exporter/platform/listen_socket.h"
#include "tests/support/exporter_process.h"

namespace ipv6ha {
namespace {

using ::ipv6ha::testing::ExporterProcess;
using ::ipv6ha::testing::FreePort;
using ::ipv6ha::testing::HttpGet;
using ::ipv6ha::testing::RunProgram;
using ::ipv6ha::testing::TempDir;
using ::ipv6ha::testing::WaitFor;
using namespace std::chrono_literals;

constexpr char kActivate[] = "/usr/bin/systemd-socket-activate";

std::string Config(int port) {
  return "listen: [\"127.0.0.1:" + std::to_string(port) +
         "\"]\nnode: {name: activated}\nrole: {source: static, static: "
         "master}\n";
}

TEST(SystemdSocketTest, ServesOnTheSocketsSystemdPasses) {
  if (access(kActivate, X_OK) != 0)
    GTEST_SKIP() << kActivate << " is not installed";
  TempDir dir;
  const int port = FreePort(), config_port = FreePort();
  const std::string p = std::to_string(port);
  ExporterProcess exporter(
      {"-l", "127.0.0.1:" + p, "-l", "[::1]:" + p, IPV6HA_BINARY, "--config",
       dir.Write("c.yml", Config(config_port)), "--web.systemd-socket"},
      "", kActivate);
  // The first connection makes systemd-socket-activate exec the exporter.
  ASSERT_TRUE(exporter.WaitReady(port)) << exporter.Log();
  auto v6 = HttpGet("::1", port, "/-/healthy");
  ASSERT_TRUE(v6) << exporter.Log();
  EXPECT_EQ(v6->status, 200);
  auto metrics = HttpGet("127.0.0.1", port, "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("ipv6_ha_build_info"), std::string::npos);
  // `listen:` was not bound: its port is free to bind.
  EXPECT_TRUE(ListenTcp("127.0.0.1", config_port))
      << "the config's listen: was bound";
  EXPECT_NE(exporter.Log().find("sockets from systemd"), std::string::npos)
      << exporter.Log();
  EXPECT_EQ(exporter.Stop(), 0);
}

TEST(SystemdSocketTest, WithoutSocketsFromSystemdTheFlagIsAClearError) {
  TempDir dir;
  auto r = RunProgram(
      {IPV6HA_BINARY, "--config", dir.Write("c.yml", Config(FreePort())),
       "--web.systemd-socket"},
      10s);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--web.systemd-socket: systemd passed no socket"),
            std::string::npos)
      << r.err;
}

TEST(SystemdSocketTest, TheFlagExcludesListenAddresses) {
  TempDir dir;
  auto r = RunProgram(
      {IPV6HA_BINARY, "--config", dir.Write("c.yml", Config(FreePort())),
       "--web.systemd-socket", "--web.listen-address", "127.0.0.1:1"},
      10s);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("exclude each other"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ipv6ha
