// The exporter runs as an unprivileged user whose only capability is
// CAP_NET_RAW (what the systemd unit grants on Linux, docs/security.md):
// it starts, serves every endpoint, runs its checks, and really holds no
// other capability.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "tests/support/exporter_process.h"

namespace ipv6ha {
namespace {

using ::ipv6ha::testing::ExporterProcess;
using ::ipv6ha::testing::FreePort;
using ::ipv6ha::testing::HttpGet;
using ::ipv6ha::testing::TempDir;
using ::ipv6ha::testing::WaitFor;
using namespace std::chrono_literals;

constexpr int kNobody = 65534;
constexpr unsigned long long kCapNetRaw = 1ULL << 13;

// A "Cap...:" line of /proc/PID/status as a bit mask.
unsigned long long Caps(pid_t pid, const std::string& which) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key, value;
  while (in >> key >> value) {
    if (key == which + ":") return std::stoull(value, nullptr, 16);
  }
  return ~0ULL;
}

int Uid(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (in >> key) {
    if (key == "Uid:") {
      int uid = -1;
      in >> uid;
      return uid;
    }
    in.ignore(1 << 16, '\n');
  }
  return -1;
}

TEST(LeastPrivilegeTest, RunsAsNobodyWithOnlyCapNetRaw) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to switch to nobody with setpriv";
  if (access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "needs setpriv (util-linux)";
  TempDir dir;
  chmod(dir.path().c_str(), 0755);
  const int port = FreePort();
  auto cfg = dir.Write(
      "c.yml", "listen: [\"127.0.0.1:" + std::to_string(port) + "\"]\n"
               "node: {name: lp}\n"
               "role: {source: static, static: master}\n"
               "checks:\n"
               "  true: {type: command, argv: [/bin/true], interval: 200ms}\n");
  chmod(cfg.c_str(), 0644);
  // setpriv execs the exporter in place, so the pid we hold is the exporter.
  ExporterProcess exporter(
      {"--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all,+net_raw",
       "--ambient-caps=-all,+net_raw", "--bounding-set=-all,+net_raw", "--no-new-privs",
       IPV6HA_BINARY, "--config", cfg},
      "", "/usr/bin/setpriv");
  ASSERT_TRUE(exporter.WaitReady(port, "/-/ready")) << exporter.Log();

  EXPECT_EQ(Uid(exporter.pid()), kNobody);
  EXPECT_EQ(Caps(exporter.pid(), "CapEff"), kCapNetRaw);
  EXPECT_EQ(Caps(exporter.pid(), "CapBnd"), kCapNetRaw);
  for (const char* path : {"/metrics", "/", "/api/v1/status", "/-/healthy"}) {
    auto r = HttpGet("127.0.0.1", port, path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
  }
  EXPECT_TRUE(WaitFor(
      [&] {
        auto r = HttpGet("127.0.0.1", port, "/metrics");
        return r && r->body.find("ipv6_ha_check_success{check=\"true\"} 1") !=
                        std::string::npos;
      },
      5s));
  EXPECT_EQ(exporter.Stop(), 0) << exporter.Log();
}

}  // namespace
}  // namespace ipv6ha
