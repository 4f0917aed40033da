// The exporter runs as an unprivileged user whose only capability is
// CAP_NET_RAW (what the systemd unit grants on Linux, docs/security.md):
// it starts, serves every endpoint, runs its checks, and really holds no
// other capability. The shipped unit grants exactly that; the nft backend
// of nptv6_rules, which needs CAP_NET_ADMIN, says so when it lacks it, and
// the nft-backend.conf drop-in adds it.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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
  if (geteuid() != 0)
    GTEST_SKIP() << "needs root to switch to nobody with setpriv";
  if (access("/usr/bin/setpriv", X_OK) != 0)
    GTEST_SKIP() << "needs setpriv (util-linux)";
  TempDir dir;
  chmod(dir.path().c_str(), 0755);
  const int port = FreePort();
  auto cfg = dir.Write(
      "c.yml",
      "listen: [\"127.0.0.1:" + std::to_string(port) +
          "\"]\n"
          "node: {name: lp}\n"
          "role: {source: static, static: master}\n"
          "checks:\n"
          "  true: {type: command, argv: [/bin/true], interval: 200ms}\n");
  chmod(cfg.c_str(), 0644);
  // setpriv execs the exporter in place, so the pid we hold is the exporter.
  ExporterProcess exporter(
      {"--reuid=65534", "--regid=65534", "--clear-groups",
       "--inh-caps=-all,+net_raw", "--ambient-caps=-all,+net_raw",
       "--bounding-set=-all,+net_raw", "--no-new-privs", IPV6HA_BINARY,
       "--config", cfg},
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

// The values of every `key=` line of a unit file or drop-in.
std::vector<std::string> UnitValues(const std::string& path,
                                    const std::string& key) {
  std::ifstream in(path);
  std::vector<std::string> values;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + "=", 0) == 0)
      values.push_back(line.substr(key.size() + 1));
  }
  return values;
}

TEST(LeastPrivilegeTest, ShippedUnitGrantsOnlyCapNetRaw) {
  const std::string unit =
      std::string(IPV6HA_BUILD_DIR) + "/rc.d/ipv6_ha_exporter.service";
  ASSERT_TRUE(std::filesystem::is_regular_file(unit)) << unit;
  for (const char* key : {"CapabilityBoundingSet", "AmbientCapabilities"}) {
    EXPECT_EQ(UnitValues(unit, key), std::vector<std::string>{"CAP_NET_RAW"})
        << key;
  }
}

TEST(LeastPrivilegeTest, NftDropInAddsOnlyCapNetAdmin) {
  const std::string dropin =
      std::string(IPV6HA_SOURCE_DIR) + "/rc.d/nft-backend.conf";
  ASSERT_TRUE(std::filesystem::is_regular_file(dropin)) << dropin;
  for (const char* key : {"CapabilityBoundingSet", "AmbientCapabilities"}) {
    EXPECT_EQ(UnitValues(dropin, key),
              std::vector<std::string>{"CAP_NET_ADMIN"})
        << key;
  }
}

// `ipv6_ha_exporter check --json` as nobody with `caps` (setpriv syntax,
// e.g. "+net_raw"), running nptv6_rules with backend nft and the real nft.
// Returns the check's summary; `exit_code` gets the command's exit code.
std::string NftCheckSummaryAsNobody(const std::string& caps, int& exit_code) {
  TempDir dir;
  chmod(dir.path().c_str(), 0755);
  const std::string fixtures = IPV6HA_FIXTURES;
  const std::string yml = (dir.path() / "checkset-nptv6.yml").string();
  const std::string pds = (dir.path() / "dhcp6c-pds.json").string();
  std::filesystem::copy_file(fixtures + "/nptv6/per_wan.yml", yml);
  std::filesystem::copy_file(fixtures + "/pds/new_format.json", pds);
  auto cfg = dir.Write("c.yml",
                       "node: {name: lp}\n"
                       "role: {source: static, static: master}\n"
                       "commands: {nft: /usr/sbin/nft}\n"
                       "checks:\n"
                       "  nptv6_rules: {backend: nft, nptv6_config: " +
                           yml + ", pds_file: " + pds + "}\n");
  for (const auto& f : {yml, pds, cfg}) chmod(f.c_str(), 0644);
  const std::string set = "-all," + caps;
  auto r = RunProgram(
      {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
       "--inh-caps=" + set, "--ambient-caps=" + set, "--bounding-set=" + set,
       "--no-new-privs", IPV6HA_BINARY, "check", "--config", cfg, "--json"},
      std::chrono::seconds(30));
  exit_code = r.exit_code;
  auto doc = nlohmann::json::parse(r.out, nullptr, false);
  if (doc.is_discarded()) return "(not JSON: " + r.out + r.err + ")";
  for (const auto& c : doc.value("checks", nlohmann::json::array())) {
    if (c.value("name", "") == "nptv6_rules") return c.value("summary", "");
  }
  return "(no nptv6_rules in " + r.out + ")";
}

class NftBackendPrivilegeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0)
      GTEST_SKIP() << "needs root to switch to nobody with setpriv";
    if (access("/usr/bin/setpriv", X_OK) != 0)
      GTEST_SKIP() << "needs setpriv (util-linux)";
    if (access("/usr/sbin/nft", X_OK) != 0)
      GTEST_SKIP() << "needs nft (nftables)";
  }
};

TEST_F(NftBackendPrivilegeTest, WithoutCapNetAdminTheReasonNamesTheCapability) {
  int exit_code = -1;
  EXPECT_EQ(
      NftCheckSummaryAsNobody("+net_raw", exit_code),
      "nft: Operation not permitted — the nft backend needs CAP_NET_ADMIN; "
      "see docs/security.md");
  EXPECT_EQ(exit_code, 3) << "unknown, not fail";
}

TEST_F(NftBackendPrivilegeTest, WithTheDropInCapabilitiesNftReadsTheRuleset) {
  int exit_code = -1;
  const std::string summary =
      NftCheckSummaryAsNobody("+net_raw,+net_admin", exit_code);
  EXPECT_EQ(summary.find("Operation not permitted"), std::string::npos)
      << summary;
  EXPECT_EQ(summary.find("cannot read the output"), std::string::npos)
      << summary;
}

}  // namespace
}  // namespace ipv6ha
