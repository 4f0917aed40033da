// JudgeFreshness row by row: (what was read, config, now) -> status and a
// piece of the reason. No file is touched; the state files are fixtures.

#include "checks/prefix_freshness_judge.h"

#include <gtest/gtest.h>

#include "tests/support/fixture_file.h"

namespace ipv6ha {
namespace {

using ipv6ha::testing::ReadFixture;
using std::chrono::seconds;
using Clock = std::chrono::system_clock;
using Stage = FreshnessVerdict::Stage;

const Clock::time_point kFileTime = Clock::from_time_t(1756459800);

struct Row {
  const char* name;
  const char* fixture;  // nullptr: the file could not be read
  seconds age;          // now - mtime (negative: mtime in the future)
  int min_active;
  std::set<std::string> relied_on;
  std::string nptv6_error;
  CheckStatus status;
  const char* reason;  // a substring of the summary
  Stage stage;
};

FreshnessObservation Observe(const Row& row) {
  if (row.fixture == nullptr)
    return {Error{"open /var/db/dhcp6c-pds.json: No such file or directory"},
            {},
            {},
            {}};
  BoundedFile file;
  file.content = ReadFixture(std::string("pds/") + row.fixture);
  file.mtime = kFileTime;
  file.size = file.content.size();
  FreshnessObservation o{file, ParsePdsState(file.content), row.relied_on,
                         row.nptv6_error};
  return o;
}

const Row kRows[] = {
    {"FreshFileIsOk",
     "new_format.json",
     seconds(60),
     1,
     {},
     "",
     CheckStatus::kOk,
     "2 of 3 prefix delegation(s) active, state file 60s old",
     Stage::kJudged},
    {"OldFormatIsOk",
     "old_format.json",
     seconds(60),
     1,
     {},
     "",
     CheckStatus::kOk,
     "active",
     Stage::kJudged},
    {"OlderThanMaxAgeFails",
     "new_format.json",
     seconds(3601),
     1,
     {},
     "",
     CheckStatus::kFail,
     "3601s old, more than 1h",
     Stage::kJudged},
    {"TooFewActiveFails",
     "new_format.json",
     seconds(60),
     3,
     {},
     "",
     CheckStatus::kFail,
     "2 active prefix delegation(s), fewer than 3",
     Stage::kJudged},
    {"InvalidActivePrefixFails",
     "bad_prefix_129.json",
     seconds(60),
     1,
     {},
     "",
     CheckStatus::kFail,
     "has no valid IPv6 prefix",
     Stage::kJudged},
    {"ReliedOnMissingFails",
     "new_format.json",
     seconds(60),
     1,
     {"9"},
     "",
     CheckStatus::kFail,
     "prefix delegation 9 used by the NPTv6 config is "
     "missing",
     Stage::kJudged},
    {"ReliedOnInactiveFails",
     "new_format.json",
     seconds(60),
     1,
     {"2"},
     "",
     CheckStatus::kFail,
     "used by the NPTv6 config is prefix_file_missing",
     Stage::kJudged},
    {"UnreadNptv6ConfigIsNoted",
     "new_format.json",
     seconds(60),
     1,
     {},
     "no such file",
     CheckStatus::kOk,
     "(NPTv6 config not read: see details)",
     Stage::kJudged},
    {"UnreadableFileIsUnknown",
     nullptr,
     seconds(60),
     1,
     {},
     "",
     CheckStatus::kUnknown,
     "cannot read the prefix state file: open",
     Stage::kNoAge},
    {"FutureMtimeIsUnknown",
     "new_format.json",
     seconds(-120),
     1,
     {},
     "",
     CheckStatus::kUnknown,
     "120s in the future",
     Stage::kNoAge},
    {"FutureWithinToleranceIsJudged",
     "new_format.json",
     seconds(-30),
     1,
     {},
     "",
     CheckStatus::kOk,
     "state file 0s old",
     Stage::kJudged},
    {"NotJsonIsUnknown",
     "not_json.json",
     seconds(60),
     1,
     {},
     "",
     CheckStatus::kUnknown,
     "is not usable",
     Stage::kNoState},
    {"EntryWithoutPrefixIsUnknown",
     "entry_without_prefix.json",
     seconds(60),
     1,
     {},
     "",
     CheckStatus::kUnknown,
     "is not usable",
     Stage::kNoState},
};

class FreshnessJudge : public ::testing::TestWithParam<Row> {};

TEST_P(FreshnessJudge, GivesTheStatusAndReason) {
  const Row& row = GetParam();
  PrefixFreshnessConfig config;
  config.min_active = row.min_active;
  const FreshnessVerdict v =
      JudgeFreshness(Observe(row), config, kFileTime + row.age);
  EXPECT_EQ(v.status, row.status) << v.summary;
  EXPECT_NE(v.summary.find(row.reason), std::string::npos) << v.summary;
  EXPECT_EQ(v.stage, row.stage) << v.summary;
}

INSTANTIATE_TEST_SUITE_P(Table, FreshnessJudge, ::testing::ValuesIn(kRows),
                         [](const auto& info) { return info.param.name; });

TEST(FreshnessJudgeTest, CountsEveryKnownStatusAndTheHistory) {
  Row row = kRows[0];
  PrefixFreshnessConfig config;
  const FreshnessVerdict v =
      JudgeFreshness(Observe(row), config, kFileTime + seconds(60));
  EXPECT_EQ(v.per_status.at("active"), 2);
  EXPECT_EQ(v.per_status.at("prefix_file_missing"), 1);
  EXPECT_EQ(v.history_changes, 1);
  EXPECT_DOUBLE_EQ(v.age_seconds, 60);
}

}  // namespace
}  // namespace ipv6ha
