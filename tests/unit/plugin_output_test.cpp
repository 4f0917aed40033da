#include "exporter/plugin_output.h"

#include <gtest/gtest.h>

namespace ipv6ha {
namespace {

CheckRecord Record(const char* name, CheckStatus status, int weight,
                   bool applicable = true) {
  CheckRecord r;
  r.settings.name = name;
  r.settings.weight = weight;
  r.applicable = applicable;
  r.result = CheckResult{status, "s", nlohmann::json::object(), {}};
  return r;
}

CheckRecord NotApplicableByRun(const char* name) {
  CheckRecord r;
  r.settings.name = name;
  r.settings.weight = 100;
  r.result = CheckResult::NotApplicable("not applicable in backup");
  return r;
}

struct Case {
  const char* what;
  std::vector<CheckRecord> records;
  Role role;
  PluginState state;
};

TEST(PluginOutput, ExitCodesAsMonitoringPluginsDefineThem) {
  using S = CheckStatus;
  const Case cases[] = {
      {"all ok", {Record("a", S::kOk, 100)}, Role::kMaster, PluginState::kOk},
      {"healthy BACKUP, upstream check not applicable by role",
       {Record("a", S::kOk, 100), Record("up", S::kUnknown, 100, false)},
       Role::kBackup,
       PluginState::kOk},
      {"healthy BACKUP, upstream check not applicable by its run",
       {Record("a", S::kOk, 100), NotApplicableByRun("up")},
       Role::kBackup,
       PluginState::kOk},
      {"observe-only failure",
       {Record("a", S::kOk, 100), Record("o", S::kFail, 0)},
       Role::kMaster,
       PluginState::kWarning},
      {"weighted failure",
       {Record("a", S::kFail, 100), Record("o", S::kFail, 0)},
       Role::kMaster,
       PluginState::kCritical},
      {"could not evaluate",
       {Record("a", S::kOk, 100), Record("u", S::kUnknown, 100)},
       Role::kMaster,
       PluginState::kUnknown},
      {"weighted failure beats unknown",
       {Record("a", S::kFail, 100), Record("u", S::kUnknown, 100)},
       Role::kMaster,
       PluginState::kCritical},
      {"warning beats unknown (max_state_alt)",
       {Record("o", S::kFail, 0), Record("u", S::kUnknown, 100)},
       Role::kMaster,
       PluginState::kWarning},
      {"an unknown role is unknown",
       {Record("a", S::kOk, 100)},
       Role::kUnknown,
       PluginState::kUnknown},
      {"FAULT with passing checks is ok",
       {Record("a", S::kOk, 100)},
       Role::kFault,
       PluginState::kOk},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(JudgePlugin(c.records, c.role).state, c.state) << c.what;
  }
  const PluginVerdict v =
      JudgePlugin({Record("a", S::kOk, 1), Record("b", S::kFail, 1),
                   Record("c", S::kFail, 0), Record("d", S::kUnknown, 1),
                   NotApplicableByRun("e")},
                  Role::kMaster);
  EXPECT_EQ(v.ok, 1);
  EXPECT_EQ(v.failing, 1);
  EXPECT_EQ(v.observed, 1);
  EXPECT_EQ(v.unknown, 1);
  EXPECT_EQ(v.not_applicable, 1);
}

TEST(PluginOutput, PerfDataInTheGuidelinesFormat) {
  CheckRecord up = Record("ipv6_connectivity", CheckStatus::kOk, 100);
  up.result->details["targets"] = {
      {{"rtt_seconds", 0.02}}, {{"rtt_seconds", 0.012}}, {{"healthy", false}}};
  CheckRecord peer = Record("peer", CheckStatus::kOk, 0);
  peer.result->details["rtt_seconds"] = 0.0000504;
  const auto data =
      PluginPerfData({up, peer, Record("x", CheckStatus::kOk, 1)}, 100, 240);
  EXPECT_EQ(FormatPerfData(data),
            "'contribution'=100;;;0;240 'ipv6_connectivity_rtt'=0.012s "
            "'peer_rtt'=0.00005s");
}

TEST(PluginOutput, LabelsAreQuotedAndTextCannotStartPerfData) {
  EXPECT_EQ(FormatPerfData({{"it's", 1e-9, "s", 1.0, 2.0}}), "'it''s'=0s;1;2");
  EXPECT_EQ(FormatPerfData({{"big", 1e12, ""}}), "'big'=1000000000000");
  EXPECT_EQ(PluginText("a|b\nc"), "a/b c");
}

}  // namespace
}  // namespace ipv6ha
