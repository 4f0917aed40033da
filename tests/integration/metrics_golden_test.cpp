// The whole /metrics page of the real daemon on fixtures against a golden
// file checked in beside them, as node_exporter's end-to-end-test.sh does:
// a change to any metric, label or help text shows up as a diff of
// tests/fixtures/metrics_golden/metrics.golden. Values that differ from run
// to run (clocks, durations, process figures, build labels, request counts)
// are masked. IPV6HA_UPDATE_GOLDEN=1 rewrites the golden file instead of
// comparing (review the diff before committing it).

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "tests/support/exporter_process.h"
#include "tests/support/fixture_file.h"

namespace ipv6ha::testing {
namespace {

using namespace std::chrono_literals;

const std::string kFixtures = IPV6HA_FIXTURES;
const std::string kGolden = "metrics_golden/metrics.golden";

// Families whose values differ between runs of the same config.
bool ValueVaries(const std::string& name) {
  static const std::set<std::string> kVarying = {
      "ipv6_ha_check_duration_seconds",
      "ipv6_ha_check_last_run_timestamp_seconds",
      "ipv6_ha_config_last_reload_success_timestamp_seconds",
      "ipv6_ha_prefix_state_file_age_seconds",
  };
  return kVarying.count(name) > 0 || name.rfind("process_", 0) == 0;
}

// The family a line of the text format belongs to.
std::string FamilyOf(const std::string& line) {
  if (line.rfind("# ", 0) != 0) return line.substr(0, line.find_first_of("{ "));
  const auto start = line.find(' ', 2) + 1;  // after "# HELP " or "# TYPE "
  return line.substr(start, line.find(' ', start) - start);
}

// The page with every run-dependent part replaced by <masked>: the value of
// a varying family, every label value of ipv6_ha_build_info, and the
// temporary directory the fixtures were copied to. The test's own requests
// (ipv6_ha_http_requests_total: how many, and whether the latest is counted
// yet) are left out.
std::string Mask(const std::string& page, const std::string& state_dir) {
  static const std::regex kLabelValue("=\"[^\"]*\"");
  std::istringstream in(ReplaceAll(page, state_dir, "<state_dir>"));
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (FamilyOf(line) == "ipv6_ha_http_requests_total") continue;
    if (!line.empty() && line[0] != '#') {
      const std::string name = FamilyOf(line);
      if (name == "ipv6_ha_build_info") {
        line = std::regex_replace(line, kLabelValue, "=\"<masked>\"");
      }
      if (ValueVaries(name))
        line = line.substr(0, line.rfind(' ')) + " <masked>";
    }
    out += line + "\n";
  }
  return out;
}

// True once each of the `checks` configured checks has finished a run.
bool EveryCheckRan(const std::string& page, int checks) {
  static const std::regex kRuns(
      "\nipv6_ha_check_runs_total\\{[^}]*\\} ([0-9]+)");
  int ran = 0;
  for (std::sregex_iterator it(page.begin(), page.end(), kRuns), end; it != end;
       ++it) {
    if ((*it)[1] != "0") ++ran;
  }
  return ran == checks;
}

TEST(MetricsGoldenTest, TheMetricsPageOnFixturesMatchesTheGoldenFile) {
  TempDir dir;
  const int port = FreePort();
  const std::string state_dir = dir.path().string();
  std::filesystem::copy_file(kFixtures + "/promql/dhcp6c-pds.json",
                             state_dir + "/dhcp6c-pds.json");
  std::string config = ReadFixture("metrics_golden/exporter.yml.in");
  config = ReplaceAll(config, "@FIXTURES@", kFixtures);
  config = ReplaceAll(config, "@STATE_DIR@", state_dir);
  config = ReplaceAll(config, "@PORT@", std::to_string(port));
  ExporterProcess exporter({"--config", dir.Write("exporter.yml", config)});

  std::string page;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto r = HttpGet("127.0.0.1", port, "/metrics");
        if (!r || r->status != 200) return false;
        page = r->body;
        return EveryCheckRan(page, 6);  // exporter.yml.in
      },
      15s))
      << "not every check ran:\n"
      << page << exporter.Log();

  const std::string masked = Mask(page, state_dir);
  if (std::getenv("IPV6HA_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(FixturePath(kGolden)) << masked;
  }
  EXPECT_EQ(masked, ReadFixture(kGolden))
      << "the /metrics page differs from tests/fixtures/" << kGolden
      << "; if the change is intended, regenerate it with "
         "IPV6HA_UPDATE_GOLDEN=1 and review the diff";
}

}  // namespace
}  // namespace ipv6ha::testing
