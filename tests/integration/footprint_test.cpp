// The exporter's idle footprint on the default web settings, with the
// demo's four checks (examples/demo: prefix_freshness, nptv6_rules with a
// stand-in pfctl, ipv6_connectivity to ::1, a command check; CARP role from
// a stand-in ifconfig), measured once every check has a result and
// /metrics has been served. bench/footprint_bench.sh prints the same
// figures beside node_exporter's and blackbox_exporter's.
//
// Bounds: the issue's 16 threads, and its 6 MiB of RSS for the daemon as
// the release build links it (cmake/Ipv6haFootprint.cmake: -Os, its C++
// libraries and OpenSSL linked in; measured 5.1-5.5 MiB, docs/benchmarks.md
// says where it goes). A build that loads them as shared libraries
// (IPV6HA_SMALL_FOOTPRINT 0: -DIPV6HA_STATIC_DEPS=OFF, a shared
// prometheus-cpp, an unoptimised build) measured 8.5-9.9 MiB and is held
// under 12 MiB. Both fail for what civetweb's model needed (77 threads with its
// 64 default workers, 33 MiB idle with the 1,536 a flood needed).

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/exporter_process.h"
#include "tests/support/proc_status.h"

namespace ipv6ha {
namespace {

using ::ipv6ha::testing::ExporterProcess;
using ::ipv6ha::testing::FreePort;
using ::ipv6ha::testing::HttpGet;
using ::ipv6ha::testing::RssBytes;
using ::ipv6ha::testing::TempDir;
using ::ipv6ha::testing::Threads;
using ::ipv6ha::testing::WaitFor;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

#if IPV6HA_SMALL_FOOTPRINT
constexpr long kMaxIdleRss = 6L << 20;
#else
constexpr long kMaxIdleRss = 12L << 20;
#endif

// examples/demo copied into `dir`, its config filled in for `port`.
std::string DemoConfig(const TempDir& dir, int port) {
  const fs::path demo = dir.path() / "demo";
  fs::copy(fs::path(IPV6HA_SOURCE_DIR) / "examples/demo", demo,
           fs::copy_options::recursive);
  std::ofstream(demo / "dhcp6c-pds.json").flush();  // fresh: the check passes
  std::ifstream in(demo / "demo.yml.in");
  std::stringstream text;
  text << in.rdbuf();
  std::string config = text.str();
  for (auto [from, to] :
       {std::pair<std::string, std::string>{"@FIXTURES@", demo.string()},
        {"@LISTEN@", "127.0.0.1:" + std::to_string(port)}}) {
    for (auto at = config.find(from); at != std::string::npos;
         at = config.find(from, at + to.size())) {
      config.replace(at, from.size(), to);
    }
  }
  return dir.Write("demo.yml", config);
}

TEST(FootprintTest, IdleWithTheDemosFourChecksStaysSmall) {
  TempDir dir;
  const int port = FreePort();
  ExporterProcess exporter({"--config", DemoConfig(dir, port)});
  ASSERT_TRUE(exporter.WaitReady(port)) << exporter.Log();
  // Ready: every check has a result. Then one scrape renders /metrics.
  ASSERT_TRUE(WaitFor(
      [&] {
        auto r = HttpGet("127.0.0.1", port, "/-/ready");
        return r && r->status == 200;
      },
      10s))
      << exporter.Log();
  auto metrics = HttpGet("127.0.0.1", port, "/metrics");
  ASSERT_TRUE(metrics && metrics->status == 200);
  EXPECT_NE(metrics->body.find("check=\"uplink_script\""), std::string::npos);

  const long threads = Threads(exporter.pid());
  const long rss = RssBytes(exporter.pid());
  std::printf(
      "idle, demo's four checks: %ld threads, RSS %.2f MiB (bound %ld MiB)\n",
      threads, rss / 1048576.0, kMaxIdleRss >> 20);
  RecordProperty("threads", std::to_string(threads));
  RecordProperty("rss_mib", std::to_string(rss / 1048576.0));
  EXPECT_GT(threads, 0);
  EXPECT_LE(threads, 16);
  EXPECT_LE(rss, kMaxIdleRss);
}

}  // namespace
}  // namespace ipv6ha
