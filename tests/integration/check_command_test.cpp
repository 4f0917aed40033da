// `ipv6_ha_exporter check` as a monitoring plugin: the real binary, a table
// of situations and the exit code each must give, and the first line of its
// output split the way Nagios and Icinga split plugin output.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "tests/support/exporter_process.h"

namespace ipv6ha::testing {
namespace {

std::string Config(const std::string& role, const std::string& checks) {
  return "node: {name: fw1}\nrole: " + role + "\nchecks:\n" + checks;
}

const char* kOk = "  a: {type: command, argv: [/bin/true], weight: 100}\n";
const char* kWeightedFail =
    "  radvd: {type: command, argv: [/bin/sh, -c, 'echo radvd down; exit 2'], "
    "weight: 100}\n";
const char* kObservedFail =
    "  watch: {type: command, argv: [/bin/false], weight: 0}\n";
const char* kCannotEvaluate =
    "  b: {type: command, argv: [/nonexistent/plugin], weight: 100}\n";
// On a BACKUP that cannot test its upstream: not applicable, not unknown.
const char* kUpstreamOnBackup =
    "  up: {type: ipv6_connectivity, targets: ['::1'], backup_policy: unknown, "
    "weight: 100}\n";

struct Case {
  const char* situation;
  std::string role;
  std::string checks;
  int exit_code;
  const char* word;
};

// Nagios: the first line is TEXT|PERFDATA; perfdata items are separated by
// spaces outside single quotes ('' is a quote inside a label); each item is
// 'label'=value[UOM][;warn[;crit[;min[;max]]]] (plugin guidelines).
struct PerfItem {
  std::string label, value, uom;
  std::vector<std::string> thresholds;  // warn, crit, min, max as given
};

std::vector<std::string> SplitPerfData(const std::string& perf) {
  std::vector<std::string> items;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < perf.size(); ++i) {
    const char c = perf[i];
    if (c == '\'') {
      if (quoted && i + 1 < perf.size() && perf[i + 1] == '\'') {
        cur += "''";
        ++i;
        continue;
      }
      quoted = !quoted;
    }
    if (c == ' ' && !quoted) {
      if (!cur.empty()) items.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) items.push_back(cur);
  return items;
}

std::optional<PerfItem> ParsePerfItem(const std::string& item) {
  static const std::regex kItem(
      R"(^'((?:[^']|'')+)'=(-?[0-9]+(?:\.[0-9]+)?)(s|ms|us|%|B|KB|MB|TB|c)?((?:;[-0-9.]*){0,4})$)");
  std::smatch m;
  if (!std::regex_match(item, m, kItem)) return std::nullopt;
  PerfItem p{m[1], m[2], m[3], {}};
  std::string rest = m[4];
  std::size_t start = 0;
  while (start < rest.size()) {
    const std::size_t next = rest.find(';', start + 1);
    p.thresholds.push_back(rest.substr(start + 1, next - start - 1));
    start = next == std::string::npos ? rest.size() : next;
  }
  return p;
}

class CheckCommandTest : public ::testing::Test {
 protected:
  RunResult Check(const std::string& config, bool json = false) {
    auto path = dir_.Write("c" + std::to_string(++n_) + ".yml", config);
    std::vector<std::string> argv{IPV6HA_BINARY, "check", "--config", path};
    if (json) argv.push_back("--json");
    return RunProgram(argv);
  }
  TempDir dir_;
  int n_ = 0;
};

TEST_F(CheckCommandTest, ExitCodesFollowMonitoringPlugins) {
  const std::string master = "{source: static, static: master}";
  const std::string backup = "{source: static, static: backup}";
  const Case cases[] = {
      {"master, every check ok", master, kOk, 0, "OK"},
      {"healthy BACKUP whose upstream check does not apply", backup,
       std::string(kOk) + kUpstreamOnBackup, 0, "OK"},
      {"FAULT whose checks pass", "{source: static, static: fault}", kOk, 0,
       "OK"},
      {"an observe-only check fails", master, std::string(kOk) + kObservedFail,
       1, "WARNING"},
      {"a weighted check fails", master, std::string(kOk) + kWeightedFail, 2,
       "CRITICAL"},
      {"a check could not evaluate", master, std::string(kOk) + kCannotEvaluate,
       3, "UNKNOWN"},
      {"weighted failure and unknown", master,
       std::string(kWeightedFail) + kCannotEvaluate, 2, "CRITICAL"},
      {"observe-only failure and unknown", master,
       std::string(kObservedFail) + kCannotEvaluate, 1, "WARNING"},
      {"the role cannot be read", "{source: vip, vip: 'not-an-address'}", kOk,
       3, "UNKNOWN"},
  };
  for (const auto& c : cases) {
    const RunResult r = Check(Config(c.role, c.checks));
    EXPECT_EQ(r.exit_code, c.exit_code) << c.situation << "\n"
                                        << r.out << r.err;
    EXPECT_EQ(r.out.rfind(std::string("IPV6_HA ") + c.word + " - ", 0), 0u)
        << c.situation << "\n"
        << r.out;
    const RunResult j = Check(Config(c.role, c.checks), true);
    EXPECT_EQ(j.exit_code, c.exit_code) << c.situation;
    auto doc = nlohmann::json::parse(j.out, nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << j.out;
    EXPECT_EQ(doc["exit_code"], c.exit_code) << c.situation;
    EXPECT_EQ(doc["plugin_state"], c.word) << c.situation;
  }
  const RunResult bad = Check("node: {name: fw1}\nfrobnicate: 1\n");
  EXPECT_EQ(bad.exit_code, 3) << "an invalid config is UNKNOWN";
}

TEST_F(CheckCommandTest, PerfDataParseTheWayNagiosSplitsThem) {
  const RunResult r = Check(Config(
      "{source: static, static: master}",
      std::string(kOk) +
          "  up: {type: ipv6_connectivity, targets: ['::1'], weight: 100}\n" +
          kObservedFail +
          "  'odd|name': {type: command, argv: [/bin/true]}\n"));
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string first = r.out.substr(0, r.out.find('\n'));
  const auto bar = first.find('|');
  ASSERT_NE(bar, std::string::npos) << first;
  EXPECT_EQ(first.find('|', bar + 1), std::string::npos)
      << "one '|' in the first line: " << first;
  const std::string rest = r.out.substr(r.out.find('\n') + 1);
  EXPECT_EQ(rest.find('|'), std::string::npos)
      << "no '|' in the long output either (it would start more perfdata):\n"
      << rest;
  std::map<std::string, PerfItem> items;
  for (const auto& item : SplitPerfData(first.substr(bar + 1))) {
    auto p = ParsePerfItem(item);
    ASSERT_TRUE(p) << "not in the guidelines' format: " << item;
    items[p->label] = *p;
  }
  ASSERT_TRUE(items.count("contribution")) << first;
  EXPECT_EQ(items["contribution"].value, "0");
  EXPECT_EQ(items["contribution"].uom, "");
  EXPECT_EQ(items["contribution"].thresholds,
            (std::vector<std::string>{"", "", "0", "240"}));
  if (geteuid() == 0) {  // ICMPv6 echo to ::1 needs a raw socket
    ASSERT_TRUE(items.count("up_rtt")) << first;
    EXPECT_EQ(items["up_rtt"].uom, "s");
    EXPECT_GT(std::stod(items["up_rtt"].value), 0.0);
  }
}

TEST_F(CheckCommandTest, KeepalivedRoleComesFromTheDaemonsRecordNotTheFifo) {
  const std::string fifo = (dir_.path() / "notify.fifo").string();
  const std::string record = (dir_.path() / "keepalived.states").string();
  const std::string role = "{source: keepalived, fifo: " + fifo +
                           ", instances: [LAN6], record_file: " + record + "}";
  RunResult r = Check(Config(role, kOk));
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_NE(r.out.find("role unknown"), std::string::npos) << r.out;
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  struct stat st {};
  ASSERT_EQ(::stat(fifo.c_str(), &st), 0);
  r = Check(Config(role, kOk));
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("no record of keepalived's states"), std::string::npos)
      << r.out;
  dir_.Write("keepalived.states", "fifo " + std::to_string(st.st_dev) + " " +
                                      std::to_string(st.st_ino) +
                                      "\nINSTANCE \"LAN6\" BACKUP 100\n");
  r = Check(Config(role, kOk), true);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["role"], "backup");
  dir_.Write("keepalived.states",
             "fifo 1 2\nINSTANCE \"LAN6\" MASTER 100\n");  // another FIFO
  r = Check(Config(role, kOk), true);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(nlohmann::json::parse(r.out)["role"], "unknown");
}

}  // namespace
}  // namespace ipv6ha::testing
