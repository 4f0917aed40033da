// `ipv6_ha_exporter --import-ha-singleton F --import-nptv6 F --print-config`
// prints the golden config (with the paths it was given) and the result
// passes --check-config.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "checks/check_registry.h"
#include "tests/support/exporter_process.h"
#include "tests/support/fixture_file.h"

namespace ipv6ha {
namespace {

using testing::ReplaceAll;
using testing::RunProgram;

const std::string kDir = std::string(IPV6HA_FIXTURES) + "/import/";

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

testing::RunResult Import(const std::string& ha, const std::string& nptv6) {
  return RunProgram({IPV6HA_BINARY, "--import-ha-singleton", kDir + ha,
                     "--import-nptv6", kDir + nptv6, "--print-config"});
}

TEST(ConfigImportCli, PrintsTheGoldenConfig) {
  auto r = Import("ha-singleton.conf", "checkset-nptv6-flat.yml");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string out = ReplaceAll(r.out, kDir + "ha-singleton.conf",
                               "/usr/local/etc/ha-singleton.conf");
  out = ReplaceAll(out, kDir + "checkset-nptv6-flat.yml",
                   "/usr/local/etc/checkset-nptv6.yml");
  EXPECT_EQ(out, Read(kDir + "full-flat.expected.yml"));
}

TEST(ConfigImportCli, PrintedConfigPassesCheckConfig) {
  // The import names checks from several issues; skip while one is missing.
  for (const char* type :
       {"prefix_freshness", "nptv6_rules", "ipv6_connectivity",
        "peer_reachability", "services", "state_sync"}) {
    if (FindCheckType(type) == nullptr)
      GTEST_SKIP() << "check type " << type << " not in this build";
  }
  testing::TempDir dir;
  for (const char* nptv6 :
       {"checkset-nptv6-flat.yml", "checkset-nptv6-mappings.yml"}) {
    auto r = Import("ha-singleton-expansions.conf", nptv6);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string config = dir.Write("imported.yml", r.out);
    auto check =
        RunProgram({IPV6HA_BINARY, "--config", config, "--check-config"});
    EXPECT_EQ(check.exit_code, 0) << nptv6 << ":\n"
                                  << check.out << check.err << "\n"
                                  << r.out;
  }
}

TEST(ConfigImportCli, BadInputExitsNonZeroWithTheLine) {
  auto r = Import("ha-singleton-command-substitution.conf",
                  "checkset-nptv6-flat.yml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("ha-singleton-command-substitution.conf:5: $(...)"),
            std::string::npos)
      << r.err;
}

TEST(ConfigImportCli, ImportWithoutPrintConfigIsAUsageError) {
  auto r = RunProgram(
      {IPV6HA_BINARY, "--import-nptv6", kDir + "checkset-nptv6-flat.yml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--print-config"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ipv6ha
