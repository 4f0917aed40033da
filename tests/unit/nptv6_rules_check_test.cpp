#include "checks/nptv6_rules_check.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/support/fixture_file.h"

namespace ipv6ha {
namespace {

using ipv6ha::testing::FixturePath;

Ipv6Bytes Addr(const char* text) { return *Ipv6Prefix::ParseAddress(text); }

InterfaceAddressMap LabAddresses() {
  return {{"lagg0", {Addr("fe80::1"), Addr("fd03:17ac:e938:10::1")}},
          {"igc2", {Addr("fd03:17ac:e938:10::1")}},
          {"igc3", {Addr("fd03:17ac:e938:20::1")}}};
}

// Drives the check with fixture files and a fake pfctl/nft: a shell script
// that prints a fixture (or misbehaves).
class Nptv6RulesCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("nrc_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    config_.nptv6_config = FixturePath("nptv6/per_wan.yml");
    config_.pds_file = FixturePath("pds/new_format.json");
    config_.backend = "pf";
    config_.command = (dir_ / "fake_tool").string();
    config_.timeout = std::chrono::seconds(5);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void FakeTool(const std::string& script_body) {
    std::ofstream(config_.command) << "#!/bin/sh\n" << script_body << "\n";
    chmod(config_.command.c_str(), 0755);
  }
  void Prints(const std::string& fixture) {
    FakeTool("cat '" + FixturePath(fixture) + "'");
  }

  CheckResult Run(Role role, bool mixed = false) {
    Nptv6RulesCheck check(config_, [this]() -> Expected<InterfaceAddressMap> {
      return addresses_;
    });
    RunContext context;
    context.role = role;
    context.role_mixed = mixed;
    context.steady_now = std::chrono::steady_clock::now();
    context.deadline = context.steady_now + std::chrono::seconds(10);
    return check.Run(context);
  }

  std::filesystem::path dir_;
  Nptv6RulesConfig config_;
  InterfaceAddressMap addresses_ = LabAddresses();
};

struct RoleCase {
  const char* name;
  const char* yml;
  const char* pds;
  const char* tool_output;
  Role role;
  CheckStatus want;
  const char* summary_part;
  bool mixed = false;  // CARP vhids disagree (role is then kBackup)
};

class Nptv6RulesCheckRoleTest : public Nptv6RulesCheckTest,
                                public ::testing::WithParamInterface<RoleCase> {
};

TEST_P(Nptv6RulesCheckRoleTest, DecidesByRoleAndEvidence) {
  const RoleCase& c = GetParam();
  config_.nptv6_config = FixturePath(std::string("nptv6/") + c.yml);
  config_.pds_file = FixturePath(std::string("pds/") + c.pds);
  if (std::string(c.tool_output).starts_with("nft/")) config_.backend = "nft";
  Prints(c.tool_output);
  CheckResult r = Run(c.role, c.mixed);
  EXPECT_EQ(r.status, c.want) << r.summary;
  EXPECT_NE(r.summary.find(c.summary_part), std::string::npos) << r.summary;
}

std::string CaseName(const ::testing::TestParamInfo<RoleCase>& info) {
  return info.param.name;
}

constexpr auto kOk = CheckStatus::kOk;
constexpr auto kFail = CheckStatus::kFail;
constexpr auto kUnknown = CheckStatus::kUnknown;

INSTANTIATE_TEST_SUITE_P(
    Table, Nptv6RulesCheckRoleTest,
    ::testing::Values(
        RoleCase{"MasterWithAllRulesIsOk", "per_wan.yml", "new_format.json",
                 "pfctl/nat_master.txt", Role::kMaster, kOk,
                 "3 NPTv6 mapping(s) loaded as expected on master"},
        RoleCase{"MasterWithStaleRuleFails", "per_wan.yml", "new_format.json",
                 "pfctl/nat_stale.txt", Role::kMaster, kFail,
                 "a rule still uses 2001:db8:9900:10::/64"},
        RoleCase{"MasterWithMissingRuleFails", "per_wan.yml", "new_format.json",
                 "pfctl/nat_guest_missing.txt", Role::kMaster, kFail,
                 "GUEST/WAN: fd03:17ac:e938:20::/64 -> 2001:db8:aa00:20::/64 "
                 "is not loaded"},
        RoleCase{"MasterAfterRenumberingFails", "per_wan.yml",
                 "pd0_renumbered.json", "pfctl/nat_master.txt", Role::kMaster,
                 kFail,
                 "LAN/WAN: fd03:17ac:e938:10::/64 -> 2001:db8:dd00:10::/64"},
        RoleCase{"BackupWithoutRulesIsOk", "per_wan.yml", "new_format.json",
                 "pfctl/nat_backup.txt", Role::kBackup, kOk,
                 "no NPTv6 rules for the LANs on backup"},
        RoleCase{"BackupWithRulesFails", "per_wan.yml", "new_format.json",
                 "pfctl/nat_master.txt", Role::kBackup, kFail,
                 "is loaded although this node is backup"},
        RoleCase{"BackupWithStaleRulesFails", "per_wan.yml", "new_format.json",
                 "pfctl/nat_stale.txt", Role::kBackup, kFail,
                 "although this node is backup"},
        RoleCase{"InitBehavesLikeBackup", "per_wan.yml", "new_format.json",
                 "pfctl/nat_backup.txt", Role::kInit, kOk, "on init"},
        RoleCase{"BackupMustHaveRulesWhenNotMasterOnly", "whole_pd.yml",
                 "new_format.json", "pfctl/nat_backup.txt", Role::kBackup,
                 kFail, "2001:db8:bb00:10::/60 is not loaded"},
        RoleCase{"UnknownRoleIsUnknown", "per_wan.yml", "new_format.json",
                 "pfctl/nat_master.txt", Role::kUnknown, kUnknown,
                 "role is unknown"},
        RoleCase{"InactiveDelegationIsUnknownOnMaster", "per_wan.yml",
                 "pd0_missing.json", "pfctl/nat_master.txt", Role::kMaster,
                 kUnknown, "prefix delegation 0 is prefix_file_missing"},
        RoleCase{"SlaOutOfRangeIsUnknownWithPosition", "sla_out_of_range.yml",
                 "new_format.json", "pfctl/nat_master.txt", Role::kMaster,
                 kUnknown, "sla_out_of_range.yml:4:5: subnet number 16"},
        RoleCase{"BadNptv6ConfigIsUnknown", "bad_ula.yml", "new_format.json",
                 "pfctl/nat_master.txt", Role::kMaster, kUnknown,
                 "bad_ula.yml:1:11"},
        RoleCase{"BrokenPdsFileIsUnknown", "per_wan.yml", "truncated.json",
                 "pfctl/nat_master.txt", Role::kMaster, kUnknown, "not usable"},
        RoleCase{"GarbageFromPfctlIsUnknown", "per_wan.yml", "new_format.json",
                 "pfctl/nat_garbage.txt", Role::kMaster, kUnknown,
                 "cannot read the output of"},
        RoleCase{"NftMasterIsOk", "per_wan.yml", "new_format.json",
                 "nft/ruleset_master.json", Role::kMaster, kOk,
                 "loaded as expected"},
        RoleCase{"NftStaleFails", "per_wan.yml", "new_format.json",
                 "nft/ruleset_stale.json", Role::kMaster, kFail,
                 "still uses 2001:db8:9900:10::/64"},
        RoleCase{"NftBackupIsOk", "per_wan.yml", "new_format.json",
                 "nft/ruleset_backup.json", Role::kBackup, kOk, "as expected"},
        RoleCase{"NftNotJsonIsUnknown", "per_wan.yml", "new_format.json",
                 "nft/not_json.txt", Role::kMaster, kUnknown, "not valid JSON"},
        // Mixed CARP: a failover in progress or split vhids. Not BACKUP's
        // "no rules" nor MASTER's "all rules": unknown, which never demotes.
        RoleCase{"MixedWithRulesIsUnknownNotABackupFailure", "per_wan.yml",
                 "new_format.json", "pfctl/nat_master.txt", Role::kBackup,
                 kUnknown,
                 "CARP is mixed (some vhids MASTER, some not): whether NPTv6 "
                 "rules belong on this node is not judged until every vhid "
                 "agrees; 3 of 3 mapping(s) loaded",
                 true},
        RoleCase{"MixedWithoutRulesIsUnknownNotAMasterFailure", "per_wan.yml",
                 "new_format.json", "pfctl/nat_backup.txt", Role::kBackup,
                 kUnknown, "0 of 3 mapping(s) loaded", true},
        RoleCase{"MixedWithStaleRulesIsUnknown", "per_wan.yml",
                 "new_format.json", "pfctl/nat_stale.txt", Role::kBackup,
                 kUnknown, "CARP is mixed", true},
        RoleCase{"MixedStillNeedsRulesWhenNotMasterOnly", "whole_pd.yml",
                 "new_format.json", "pfctl/nat_backup.txt", Role::kBackup,
                 kFail, "2001:db8:bb00:10::/60 is not loaded", true},
        RoleCase{"MixedKeepsUnreadableEvidenceUnknown", "per_wan.yml",
                 "new_format.json", "pfctl/nat_garbage.txt", Role::kBackup,
                 kUnknown, "cannot read the output of", true}),
    CaseName);

TEST_F(Nptv6RulesCheckTest, OverrideLetsBackupCarryRules) {
  config_.apply_rules_only_on_master = false;
  Prints("pfctl/nat_master.txt");
  CheckResult r = Run(Role::kBackup);
  EXPECT_EQ(r.status, CheckStatus::kOk) << r.summary;
  EXPECT_EQ(r.details["rules_wanted"], true);
}

TEST_F(Nptv6RulesCheckTest, CommandFailureIsUnknown) {
  FakeTool("echo 'pfctl: /dev/pf: Permission denied' >&2; exit 1");
  CheckResult r = Run(Role::kMaster);
  EXPECT_EQ(r.status, CheckStatus::kUnknown);
  EXPECT_NE(r.summary.find("exited 1: pfctl: /dev/pf: Permission denied"),
            std::string::npos)
      << r.summary;
}

// What nft 1.0.6 prints without CAP_NET_ADMIN (as an unprivileged user).
constexpr char kNftEperm[] =
    "echo 'Operation not permitted (you must be root)' >&2; "
    "echo 'netlink: Error: cache initialization failed: Operation not "
    "permitted' >&2";
constexpr char kNftNeedsCapNetAdmin[] =
    "nft: Operation not permitted — the nft backend needs CAP_NET_ADMIN; see "
    "docs/security.md";

TEST_F(Nptv6RulesCheckTest, NftWithoutCapNetAdminNamesTheCapability) {
  config_.backend = "nft";
  for (const char* exit : {"exit 1", "exit 0"}) {
    FakeTool(std::string(kNftEperm) + "; " + exit);
    CheckResult r = Run(Role::kMaster);
    EXPECT_EQ(r.status, CheckStatus::kUnknown) << exit;
    EXPECT_EQ(r.summary, kNftNeedsCapNetAdmin) << exit;
  }
}

TEST_F(Nptv6RulesCheckTest, PfPermissionErrorsAreNotBlamedOnCapNetAdmin) {
  FakeTool("echo 'pfctl: Operation not permitted' >&2; exit 1");
  CheckResult r = Run(Role::kMaster);
  EXPECT_EQ(r.status, CheckStatus::kUnknown);
  EXPECT_EQ(r.summary.find("CAP_NET_ADMIN"), std::string::npos) << r.summary;
}

TEST_F(Nptv6RulesCheckTest, CommandTimeoutIsUnknown) {
  FakeTool("exec sleep 5");
  config_.timeout = std::chrono::milliseconds(200);
  CheckResult r = Run(Role::kMaster);
  EXPECT_EQ(r.status, CheckStatus::kUnknown) << r.summary;
}

TEST_F(Nptv6RulesCheckTest, MissingCommandIsUnknown) {
  config_.command = (dir_ / "no_such_pfctl").string();
  CheckResult r = Run(Role::kMaster);
  EXPECT_EQ(r.status, CheckStatus::kUnknown) << r.summary;
}

TEST_F(Nptv6RulesCheckTest, MissingNptv6ConfigIsUnknown) {
  config_.nptv6_config = (dir_ / "absent.yml").string();
  Prints("pfctl/nat_master.txt");
  CheckResult r = Run(Role::kMaster);
  EXPECT_EQ(r.status, CheckStatus::kUnknown);
  EXPECT_NE(r.summary.find("cannot read the NPTv6 config"), std::string::npos);
}

TEST_F(Nptv6RulesCheckTest,
       LanWithoutUlaAddressIsUnknownUnlessGivenExplicitly) {
  addresses_.erase("igc3");
  Prints("pfctl/nat_master.txt");
  CheckResult r = Run(Role::kMaster);
  EXPECT_EQ(r.status, CheckStatus::kUnknown);
  EXPECT_NE(r.summary.find("igc3"), std::string::npos) << r.summary;
  config_.lan_internal["GUEST"] = *Ipv6Prefix::Parse("fd03:17ac:e938:20::/64");
  EXPECT_EQ(Run(Role::kMaster).status, CheckStatus::kOk);
}

TEST_F(Nptv6RulesCheckTest, ReportsUnexpectedRulesAndMetrics) {
  FakeTool("cat '" + FixturePath("pfctl/nat_master.txt") + "'; echo " +
           "'binat on igc0 inet6 from fd03:17ac:e938:99::/64 to any -> "
           "2001:db8:aa00:99::/64'");
  CheckResult r = Run(Role::kMaster);
  EXPECT_EQ(r.status, CheckStatus::kOk) << r.summary;
  EXPECT_NE(r.summary.find("(1 unexpected NPTv6 rule(s))"), std::string::npos);
  EXPECT_EQ(r.details["unexpected_rules"][0]["to"], "2001:db8:aa00:99::/64");
  std::map<std::string, double> series;
  for (const auto& family : r.metrics) {
    for (const auto& m : family.metric) {
      std::string key = family.name;
      for (const auto& l : m.label) key += "," + l.name + "=" + l.value;
      series[key] = m.gauge.value;
    }
  }
  EXPECT_EQ(series["ipv6_ha_nptv6_mappings,state=present"], 3);
  EXPECT_EQ(series["ipv6_ha_nptv6_mappings,state=stale"], 0);
  EXPECT_EQ(series["ipv6_ha_nptv6_unexpected_rules"], 1);
  EXPECT_EQ(series["ipv6_ha_nptv6_rules_loaded,backend=pf"], 7);
  EXPECT_EQ(series["ipv6_ha_nptv6_mapping_info,lan=LAN,wan=WAN2,internal=fd03:"
                   "17ac:e938:10::/64,external=2001:db8:bb00:12::/64,state="
                   "present"],
            1);
}

struct ConfigCase {
  const char* yaml;
  const char* error_part;  // "" = valid
};

class Nptv6RulesConfigTest : public ::testing::TestWithParam<ConfigCase> {};

TEST_P(Nptv6RulesConfigTest, ReadsItsOwnKeys) {
  ConfigErrors errors("exporter.yml");
  ConfigReader reader(YAML::Load(GetParam().yaml), "checks.nptv6_rules",
                      &errors);
  CheckEnv env;
  env.commands["pfctl"] = "/sbin/pfctl";
  CheckSettings settings;
  settings.name = "nptv6_rules";
  auto check = FindCheckType("nptv6_rules")->create(reader, env, settings);
  const std::string want = GetParam().error_part;
  if (want.empty()) {
    EXPECT_NE(check, nullptr) << errors.ToString();
  } else {
    EXPECT_EQ(check, nullptr);
    EXPECT_NE(errors.ToString().find(want), std::string::npos)
        << errors.ToString();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, Nptv6RulesConfigTest,
    ::testing::Values(
        ConfigCase{"{backend: pf}", ""},
        ConfigCase{"{backend: nft, ula_prefix: 'fd03::/48', "
                   "lan_internal: {LAN: 'fd03:1::/64'}, "
                   "apply_rules_only_on_master: false}",
                   ""},
        ConfigCase{"{backend: ipfw}", "must be one of pf, nft"},
        ConfigCase{"{ula_prefix: 'fd03::/129'}",
                   "exporter.yml:1:14: checks.nptv6_rules.ula_prefix"},
        ConfigCase{"{lan_internal: {LAN: zzz}}",
                   "checks.nptv6_rules.lan_internal.LAN: not an IPv6 prefix"},
        ConfigCase{"{lan_internal: [a]}", "must map LAN names"},
        ConfigCase{"{nptv6_config: relative.yml}",
                   "must be an absolute path"}));

}  // namespace
}  // namespace ipv6ha
