// JudgeNptv6Rules row by row: (config, prefix state, addresses, loaded rules,
// role) -> status and a piece of the reason. The inputs are fixtures parsed
// with the check's own parsers; no command runs, no interface is read.

#include "checks/nptv6_rules_judge.h"

#include <gtest/gtest.h>

#include "checks/nptv6/pf_nat_parser.h"
#include "tests/support/fixture_file.h"

namespace ipv6ha {
namespace {

using ipv6ha::testing::ReadFixture;

Ipv6Bytes Addr(const char* text) { return *Ipv6Prefix::ParseAddress(text); }

struct Row {
  const char* name;
  Role role;
  bool mixed;
  const char* yml;                  // tests/fixtures/nptv6/
  const char* pds;                  // tests/fixtures/pds/
  const char* nat;                  // tests/fixtures/pfctl/
  std::optional<bool> only_master;  // the check's override
  const char* read_error;           // "" when everything was read
  CheckStatus status;
  const char* reason;  // a substring of the summary
};

Nptv6Observation Observe(const Row& row) {
  Nptv6Observation o;
  o.role = row.role;
  o.role_mixed = row.mixed;
  o.read_error = row.read_error;
  const std::string yml = std::string("nptv6/") + row.yml;
  o.nptv6 = ParseNptv6Config(ReadFixture(yml), yml).value();
  o.pds = ParsePdsState(ReadFixture(std::string("pds/") + row.pds)).value();
  o.addresses = {{"lagg0", {Addr("fe80::1"), Addr("fd03:17ac:e938:10::1")}},
                 {"igc2", {Addr("fd03:17ac:e938:10::1")}},
                 {"igc3", {Addr("fd03:17ac:e938:20::1")}}};
  o.rules = ParsePfNat(ReadFixture(std::string("pfctl/") + row.nat)).value();
  return o;
}

constexpr auto kOk = CheckStatus::kOk;
constexpr auto kFail = CheckStatus::kFail;
constexpr auto kUnknown = CheckStatus::kUnknown;

const Row kRows[] = {
    {"MasterWithAllRulesIsOk", Role::kMaster, false, "per_wan.yml",
     "new_format.json", "nat_master.txt", std::nullopt, "", kOk,
     "3 NPTv6 mapping(s) loaded as expected on master"},
    {"MasterWithStaleRuleFails", Role::kMaster, false, "per_wan.yml",
     "new_format.json", "nat_stale.txt", std::nullopt, "", kFail,
     "a rule still uses 2001:db8:9900:10::/64"},
    {"MasterWithMissingRuleFails", Role::kMaster, false, "per_wan.yml",
     "new_format.json", "nat_guest_missing.txt", std::nullopt, "", kFail,
     "GUEST/WAN: fd03:17ac:e938:20::/64 -> 2001:db8:aa00:20::/64 is not "
     "loaded"},
    {"BackupWithoutRulesIsOk", Role::kBackup, false, "per_wan.yml",
     "new_format.json", "nat_backup.txt", std::nullopt, "", kOk,
     "no NPTv6 rules for the LANs on backup, as expected"},
    {"BackupWithRulesFails", Role::kBackup, false, "per_wan.yml",
     "new_format.json", "nat_master.txt", std::nullopt, "", kFail,
     "is loaded although this node is backup"},
    {"OverrideLetsBackupCarryRules", Role::kBackup, false, "per_wan.yml",
     "new_format.json", "nat_master.txt", false, "", kOk,
     "loaded as expected on backup"},
    {"ConfigsHaBlockWantsRulesOnBackup", Role::kBackup, false, "whole_pd.yml",
     "new_format.json", "nat_backup.txt", std::nullopt, "", kFail,
     "2001:db8:bb00:10::/60 is not loaded"},
    {"InactiveDelegationIsUnknown", Role::kMaster, false, "per_wan.yml",
     "pd0_missing.json", "nat_master.txt", std::nullopt, "", kUnknown,
     "prefix delegation 0 is prefix_file_missing"},
    {"MixedCarpIsNotJudged", Role::kBackup, true, "per_wan.yml",
     "new_format.json", "nat_master.txt", std::nullopt, "", kUnknown,
     "CARP is mixed (some vhids MASTER, some not)"},
    {"MixedStillNeedsRulesWhenNotMasterOnly", Role::kBackup, true,
     "whole_pd.yml", "new_format.json", "nat_backup.txt", std::nullopt, "",
     kFail, "is not loaded"},
    {"UnknownRoleIsUnknown", Role::kUnknown, false, "per_wan.yml",
     "new_format.json", "nat_master.txt", std::nullopt, "", kUnknown,
     "role is unknown"},
    {"AFailedReadIsUnknownWithItsReason", Role::kMaster, false, "per_wan.yml",
     "new_format.json", "nat_master.txt", std::nullopt,
     "pfctl -s nat timed out after 5s", kUnknown,
     "pfctl -s nat timed out after 5s"},
    {"UnexpectedRulesAreCountedInTheSummary", Role::kMaster, false,
     "per_wan.yml", "new_format.json", "nat_variations.txt", std::nullopt, "",
     kFail, "unexpected NPTv6 rule(s)"},
};

class Nptv6Judge : public ::testing::TestWithParam<Row> {};

TEST_P(Nptv6Judge, GivesTheStatusAndReason) {
  const Row& row = GetParam();
  Nptv6RulesConfig config;
  config.apply_rules_only_on_master = row.only_master;
  const Nptv6Verdict v = JudgeNptv6Rules(Observe(row), config);
  EXPECT_EQ(v.status, row.status) << v.summary;
  EXPECT_NE(v.summary.find(row.reason), std::string::npos) << v.summary;
  EXPECT_EQ(v.classified, row.role != Role::kUnknown && !*row.read_error);
}

INSTANTIATE_TEST_SUITE_P(Table, Nptv6Judge, ::testing::ValuesIn(kRows),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace ipv6ha
