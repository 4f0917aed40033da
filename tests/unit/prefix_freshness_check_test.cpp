#include "checks/prefix_freshness_check.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "checks/pds/pds_digest.h"
#include "tests/support/fixture_file.h"

namespace ipv6ha {
namespace {

using ipv6ha::testing::FixturePath;
using ipv6ha::testing::ReadFixture;
using std::chrono::seconds;
using Clock = std::chrono::system_clock;

// A fixed wall clock: the pds file gets mtime kFileTime, "now" is settable.
const Clock::time_point kFileTime = Clock::from_time_t(1756459800);

class PrefixFreshnessCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("pfc_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    config_.pds_file = (dir_ / "dhcp6c-pds.json").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void WritePds(const std::string& content) {
    std::ofstream(config_.pds_file, std::ios::binary | std::ios::trunc)
        << content;
    const struct timespec times[2] = {{Clock::to_time_t(kFileTime), 0},
                                      {Clock::to_time_t(kFileTime), 0}};
    ASSERT_EQ(utimensat(AT_FDCWD, config_.pds_file.c_str(), times, 0), 0);
  }

  CheckResult Run(seconds age = seconds(60)) {
    if (!check_) check_ = std::make_unique<PrefixFreshnessCheck>(config_);
    RunContext context;
    context.role = Role::kMaster;
    context.wall_now = kFileTime + age;
    return check_->Run(context);
  }

  std::filesystem::path dir_;
  PrefixFreshnessConfig config_;
  std::unique_ptr<PrefixFreshnessCheck> check_;
};

const prometheus::MetricFamily* Family(const CheckResult& r,
                                       const std::string& name) {
  for (const auto& f : r.metrics) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

TEST_F(PrefixFreshnessCheckTest, FreshNewFormatFileIsOk) {
  WritePds(ReadFixture("pds/new_format.json"));
  CheckResult r = Run(seconds(60));
  EXPECT_EQ(r.status, CheckStatus::kOk) << r.summary;
  EXPECT_EQ(r.summary,
            "2 of 3 prefix delegation(s) active, state file 60s old");
  EXPECT_EQ(r.details["counts"]["active"], 2);
  EXPECT_EQ(r.details["counts"]["prefix_file_missing"], 1);
  EXPECT_EQ(r.details["history_changes"], 1);
  EXPECT_EQ(r.details["file"]["age_seconds"], 60.0);
  EXPECT_EQ(r.details["file"]["sha256"],
            Sha256Hex(ReadFixture("pds/new_format.json")));
  EXPECT_EQ(r.details["delegations"][0]["prefix"], "2001:db8:aa00::/56");
  ASSERT_NE(Family(r, "ipv6_ha_prefix_state_file_age_seconds"), nullptr);
  ASSERT_NE(Family(r, "ipv6_ha_prefix_delegation_info"), nullptr);
  EXPECT_EQ(Family(r, "ipv6_ha_prefix_delegation_info")->metric.size(), 3u);
}

TEST_F(PrefixFreshnessCheckTest, OldFormatFileIsOk) {
  WritePds(ReadFixture("pds/old_format.json"));
  CheckResult r = Run();
  EXPECT_EQ(r.status, CheckStatus::kOk) << r.summary;
  EXPECT_EQ(r.details["format"], "flat");
}

TEST_F(PrefixFreshnessCheckTest, FileOlderThanMaxAgeFails) {
  WritePds(ReadFixture("pds/new_format.json"));
  CheckResult r = Run(seconds(3601));
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_NE(r.summary.find("3601s old, more than 1h"), std::string::npos)
      << r.summary;
}

TEST_F(PrefixFreshnessCheckTest, TooFewActiveDelegationsFails) {
  config_.min_active = 3;
  WritePds(ReadFixture("pds/new_format.json"));
  CheckResult r = Run();
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_NE(r.summary.find("2 active prefix delegation(s), fewer than 3"),
            std::string::npos)
      << r.summary;
}

TEST_F(PrefixFreshnessCheckTest, ActiveDelegationWithInvalidPrefixFails) {
  for (const char* fixture :
       {"pds/bad_prefix_129.json", "pds/bad_prefix_zzz.json"}) {
    WritePds(ReadFixture(fixture));
    CheckResult r = Run();
    EXPECT_EQ(r.status, CheckStatus::kFail) << fixture;
    EXPECT_NE(r.summary.find("delegation 1 has no valid IPv6 prefix"),
              std::string::npos)
        << r.summary;
  }
}

TEST_F(PrefixFreshnessCheckTest, DelegationReliedOnByNptv6ConfigMustBeActive) {
  config_.nptv6_config = FixturePath("nptv6/per_wan.yml");
  WritePds(ReadFixture("pds/pd0_missing.json"));
  CheckResult r = Run();
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_NE(r.summary.find("prefix delegation 0 used by the NPTv6 config is "
                           "prefix_file_missing"),
            std::string::npos)
      << r.summary;
}

TEST_F(PrefixFreshnessCheckTest, DelegationReliedOnByNptv6ConfigMissingFails) {
  config_.nptv6_config = FixturePath("nptv6/per_wan.yml");
  WritePds(R"({"summary": {"active_pds": 1}, "prefix_delegations": {
      "1": {"prefix": "2001:db8:bb00:10::/60", "status": "active"}}})");
  CheckResult r = Run();
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_NE(r.summary.find("prefix delegation 0 used by the NPTv6 config is "
                           "missing"),
            std::string::npos)
      << r.summary;
}

TEST_F(PrefixFreshnessCheckTest, UnreadableNptv6ConfigIsReportedNotFailed) {
  config_.nptv6_config = (dir_ / "absent.yml").string();
  WritePds(ReadFixture("pds/new_format.json"));
  CheckResult r = Run();
  EXPECT_EQ(r.status, CheckStatus::kOk);
  EXPECT_TRUE(r.details.contains("nptv6_config_error"));
}

TEST_F(PrefixFreshnessCheckTest, MissingFileIsUnknown) {
  CheckResult r = Run();
  EXPECT_EQ(r.status, CheckStatus::kUnknown);
  EXPECT_NE(r.summary.find("No such file"), std::string::npos) << r.summary;
}

class PrefixFreshnessBadFileTest
    : public PrefixFreshnessCheckTest,
      public ::testing::WithParamInterface<const char*> {};

TEST_P(PrefixFreshnessBadFileTest, BrokenFileIsUnknownNeverFail) {
  WritePds(ReadFixture(GetParam()));
  CheckResult r = Run();
  EXPECT_EQ(r.status, CheckStatus::kUnknown) << r.summary;
  EXPECT_NE(r.summary.find("not usable"), std::string::npos) << r.summary;
  EXPECT_TRUE(r.details["file"].contains("sha256"));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, PrefixFreshnessBadFileTest,
                         ::testing::Values("pds/empty.json",
                                           "pds/truncated.json",
                                           "pds/not_json.json",
                                           "pds/top_level_list.json",
                                           "pds/wrong_type_history.json",
                                           "pds/wrong_type_prefix.json",
                                           "pds/wrong_type_summary.json",
                                           "pds/wrong_type_delegations.json"));

TEST_F(PrefixFreshnessCheckTest, FileAboveTheSizeBoundIsUnknown) {
  WritePds(std::string(10 * 1024 * 1024, '{'));
  CheckResult r = Run();
  EXPECT_EQ(r.status, CheckStatus::kUnknown);
  EXPECT_NE(r.summary.find("more than the 4194304 allowed"), std::string::npos)
      << r.summary;
}

TEST_F(PrefixFreshnessCheckTest, CountsPrefixChangesBetweenRuns) {
  WritePds(ReadFixture("pds/new_format.json"));
  EXPECT_EQ(Run().details["changes_since_start"], 0);
  WritePds(ReadFixture("pds/pd0_renumbered.json"));
  CheckResult r = Run();
  EXPECT_EQ(r.details["changes_since_start"], 1);
  EXPECT_EQ(r.details["history_changes"], 2);
  const auto* changes = Family(r, "ipv6_ha_prefix_changes_total");
  ASSERT_NE(changes, nullptr);
  EXPECT_EQ(changes->metric[0].counter.value, 1.0);
  Run();  // same file again: no new change
  EXPECT_EQ(check_->changes_seen(), 1u);
}

TEST_F(PrefixFreshnessCheckTest, RegistersAFileWatchForItsFile) {
  std::string watched_path, watched_check;
  CheckEnv env;
  env.watch_file = [&](const std::string& path, const std::string& name) {
    watched_path = path;
    watched_check = name;
  };
  ConfigErrors errors("test.yml");
  YAML::Node node = YAML::Load("{pds_file: " + config_.pds_file +
                               ", max_age: 10m, min_active: 2}");
  ConfigReader reader(node, "checks.prefix_freshness", &errors);
  CheckSettings settings;
  settings.name = "prefix_freshness";
  const CheckRegistration* type = FindCheckType("prefix_freshness");
  ASSERT_NE(type, nullptr);
  auto check = type->create(reader, env, settings);
  ASSERT_NE(check, nullptr) << errors.ToString();
  EXPECT_EQ(watched_path, config_.pds_file);
  EXPECT_EQ(watched_check, "prefix_freshness");
}

TEST_F(PrefixFreshnessCheckTest, RelativePdsFileIsAConfigError) {
  ConfigErrors errors("test.yml");
  YAML::Node node = YAML::Load("{pds_file: dhcp6c-pds.json}");
  ConfigReader reader(node, "checks.prefix_freshness", &errors);
  auto check = FindCheckType("prefix_freshness")
                   ->create(reader, CheckEnv{}, CheckSettings{});
  EXPECT_EQ(check, nullptr);
  EXPECT_NE(errors.ToString().find("test.yml:1:12: "), std::string::npos)
      << errors.ToString();
}

// A structurally valid file whose delegation has no prefix is not evidence
// that the prefix is gone: it used to count as "0 active" and demote.
TEST_F(PrefixFreshnessCheckTest, DelegationWithoutAPrefixIsUnknownNotFail) {
  for (const char* fixture :
       {"pds/entry_without_prefix.json", "pds/entry_nested_junk.json",
        "pds/new_format_entry_without_prefix.json"}) {
    check_.reset();
    WritePds(ReadFixture(fixture));
    auto r = Run();
    EXPECT_EQ(r.status, CheckStatus::kUnknown) << fixture << ": " << r.summary;
    EXPECT_NE(r.summary.find("entry 0 has no prefix"), std::string::npos)
        << r.summary;
  }
}

TEST_F(PrefixFreshnessCheckTest, MissingPrefixFileStatusMayLackAPrefix) {
  WritePds(R"({"prefix_delegations": {"0": {"status": "prefix_file_missing"},
               "1": {"prefix": "2001:db8:1::/56", "status": "active"}}})");
  auto r = Run();
  EXPECT_EQ(r.status, CheckStatus::kOk) << r.summary;
}

TEST_F(PrefixFreshnessCheckTest, MtimeInTheFutureIsUnknownWithTheReason) {
  WritePds(ReadFixture("pds/new_format.json"));
  auto r = Run(seconds(-3600));  // the file is dated an hour ahead
  EXPECT_EQ(r.status, CheckStatus::kUnknown) << r.summary;
  EXPECT_NE(r.summary.find("3600s in the future"), std::string::npos)
      << r.summary;
  // Within the tolerance it is read as fresh.
  EXPECT_EQ(Run(seconds(-30)).status, CheckStatus::kOk);
}

// touch -d 2300-01-01: the mtime once wrapped to 1677, an age of 8.9e9 s.
TEST_F(PrefixFreshnessCheckTest, MtimePast2262IsUnknownNotAncient) {
  WritePds(ReadFixture("pds/new_format.json"));
  const struct timespec times[2] = {{10413792000, 0}, {10413792000, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, config_.pds_file.c_str(), times, 0), 0);
  auto r = Run();
  EXPECT_EQ(r.status, CheckStatus::kUnknown) << r.summary;
  EXPECT_NE(r.summary.find("in the future"), std::string::npos) << r.summary;
}

// A raw byte in an interface name once reached the status document and
// aborted the daemon in the JSON dump.
TEST_F(PrefixFreshnessCheckTest, InvalidUtf8InTheFileNeverLeavesTheCheck) {
  WritePds(
      "{\"0\": {\"prefix\": \"2001:db8:1::/56\", \"interface\": \"ig\xff\xfe"
      "0\"}}");
  auto r = Run();
  EXPECT_EQ(r.status, CheckStatus::kOk) << r.summary;
  const std::string dumped = r.details.dump();  // throws on invalid UTF-8
  EXPECT_NE(dumped.find("ig\xEF\xBF\xBD\xEF\xBF\xBD"
                        "0"),
            std::string::npos);
  WritePds(
      "{\"0\": {\"interface\": ig\xff\xfe"
      "0}}");  // and not JSON
  r = Run();
  EXPECT_EQ(r.status, CheckStatus::kUnknown);
  EXPECT_NO_THROW((void)nlohmann::json(r.summary).dump());
}

}  // namespace
}  // namespace ipv6ha
