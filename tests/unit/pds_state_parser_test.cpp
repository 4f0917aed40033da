#include "checks/pds/pds_state_parser.h"

#include <gtest/gtest.h>

#include <random>

#include "tests/support/fixture_file.h"

namespace ipv6ha {
namespace {

using ipv6ha::testing::ReadFixture;

TEST(PdsStateParserTest, ReadsTheOldFlatFormat) {
  auto state = ParsePdsState(ReadFixture("pds/old_format.json"));
  ASSERT_TRUE(state.ok()) << state.error().message;
  EXPECT_EQ(state->format, PdsState::Format::kFlat);
  ASSERT_EQ(state->delegations.size(), 2u);
  EXPECT_EQ(state->delegations[0].id, "0");
  EXPECT_EQ(state->delegations[0].prefix, "2601:db8:1960::/60");
  EXPECT_TRUE(state->delegations[0].active());
  ASSERT_TRUE(state->delegations[1].parsed_prefix.has_value());
  EXPECT_EQ(state->delegations[1].parsed_prefix->length(), 60);
  EXPECT_FALSE(state->summary_active.has_value());
}

TEST(PdsStateParserTest, ReadsTheNewFormatWithSummaryAndHistory) {
  auto state = ParsePdsState(ReadFixture("pds/new_format.json"));
  ASSERT_TRUE(state.ok()) << state.error().message;
  EXPECT_EQ(state->format, PdsState::Format::kSummary);
  EXPECT_EQ(state->summary_total, 3);
  EXPECT_EQ(state->summary_active, 2);
  EXPECT_EQ(state->summary_missing_prefix_files, 1);
  EXPECT_EQ(state->last_run, "2025-08-29T10:30:00.123456");
  ASSERT_EQ(state->delegations.size(), 3u);
  const PrefixDelegation* pd0 = state->Find("0");
  ASSERT_NE(pd0, nullptr);
  EXPECT_EQ(pd0->interface, "igc0");
  EXPECT_EQ(pd0->status, "active");
  EXPECT_EQ(pd0->last_seen, "2025-08-29T10:30:00.123456");
  ASSERT_EQ(pd0->prefix_history.size(), 2u);
  EXPECT_EQ(pd0->prefix_history[0].prefix, "2001:db8:9900::/56");
  EXPECT_EQ(pd0->HistoryChanges(), 1);
  EXPECT_EQ(state->Find("1")->HistoryChanges(), 0);
  EXPECT_EQ(state->Find("2")->status, "prefix_file_missing");
  EXPECT_FALSE(state->Find("2")->active());
}

TEST(PdsStateParserTest, AcceptsActivePrefixDelegationsInTheSummary) {
  auto state = ParsePdsState(ReadFixture("pds/active_prefix_delegations.json"));
  ASSERT_TRUE(state.ok()) << state.error().message;
  EXPECT_EQ(state->summary_active, 2);
}

TEST(PdsStateParserTest, KeepsAnInvalidPrefixAsTextWithoutParsedValue) {
  for (const char* fixture :
       {"pds/bad_prefix_129.json", "pds/bad_prefix_zzz.json"}) {
    auto state = ParsePdsState(ReadFixture(fixture));
    ASSERT_TRUE(state.ok()) << fixture;
    EXPECT_FALSE(state->Find("1")->parsed_prefix.has_value()) << fixture;
    EXPECT_TRUE(state->Find("1")->active());
  }
}

TEST(PdsStateParserTest, SortsNumericIdsNumerically) {
  auto state = ParsePdsState(
      R"({"10": {"prefix": "2001:db8:a::/64"}, "2": {"prefix": "2001:db8:2::/64"}})");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->delegations[0].id, "2");
  EXPECT_EQ(state->delegations[1].id, "10");
}

struct BadFile {
  const char* fixture;
  const char* reason_part;
};

class PdsStateParserBadFileTest : public ::testing::TestWithParam<BadFile> {};

TEST_P(PdsStateParserBadFileTest, RejectsWithAReason) {
  auto state = ParsePdsState(ReadFixture(GetParam().fixture));
  ASSERT_FALSE(state.ok());
  EXPECT_NE(state.error().message.find(GetParam().reason_part),
            std::string::npos)
      << state.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, PdsStateParserBadFileTest,
    ::testing::Values(
        BadFile{"pds/empty.json", "empty"},
        BadFile{"pds/truncated.json", "not valid JSON"},
        BadFile{"pds/not_json.json", "not valid JSON"},
        BadFile{"pds/top_level_list.json", "top level must be an object"},
        BadFile{"pds/wrong_type_history.json", "prefix_history must be a list"},
        BadFile{"pds/wrong_type_prefix.json", "prefix must be a string"},
        BadFile{"pds/wrong_type_summary.json", "active_pds"},
        BadFile{"pds/wrong_type_delegations.json",
                "prefix_delegations must be an object"},
        BadFile{"pds/bad_timestamp.json", "last_seen"}));

TEST(PdsStateParserTest, RejectsTenMebibytesOfGarbage) {
  // 64 KiB of random bytes repeated to 10 MiB: cheap to build, same effect.
  std::string block(64 * 1024, '\0');
  std::mt19937 random(42);
  for (char& c : block) c = static_cast<char>(random() & 0xFF);
  std::string garbage;
  while (garbage.size() < 10 * 1024 * 1024) garbage += block;
  auto state = ParsePdsState(garbage);
  EXPECT_FALSE(state.ok());
}

TEST(PdsStateParserTest, RejectsAnOldFormatEntryThatIsNotAnObject) {
  auto state = ParsePdsState(R"({"0": "2001:db8::/56"})");
  ASSERT_FALSE(state.ok());
  EXPECT_NE(state.error().message.find("\"0\""), std::string::npos);
}

TEST(PdsStateParserTest, RecognisesLocalIsoTimestamps) {
  EXPECT_TRUE(IsLocalIsoTimestamp("2025-08-29T10:30:00"));
  EXPECT_TRUE(IsLocalIsoTimestamp("2025-08-29T10:30:00.123456"));
  EXPECT_TRUE(IsLocalIsoTimestamp("2025-08-29 10:30:00"));
  EXPECT_FALSE(IsLocalIsoTimestamp("2025-08-29"));
  EXPECT_FALSE(IsLocalIsoTimestamp("2025-08-29T10:30:00Z"));
  EXPECT_FALSE(IsLocalIsoTimestamp("2025-08-29T10:30:00."));
  EXPECT_FALSE(IsLocalIsoTimestamp("yesterday"));
}

TEST(PdsStateParserTest, AnEntryWithoutAPrefixIsAnErrorNotNoPrefix) {
  for (const char* text :
       {R"({"0": {}})", R"({"0": {"prefix": ""}})",
        R"({"0": {"junk": {"a": {}}}})",
        R"({"prefix_delegations": {"0": {"status": "active"}}})",
        R"({"prefix_delegations": {"0": {"junk": {}}}})"}) {
    auto state = ParsePdsState(text);
    ASSERT_FALSE(state.ok()) << text;
    EXPECT_NE(state.error().message.find("entry 0 has no prefix"),
              std::string::npos)
        << state.error().message;
  }
}

TEST(PdsStateParserTest, DeepNestingIsRefusedBeforeATreeIsBuilt) {
  const std::string text = R"({"0": {"prefix": "2001:db8::/56", "x": )" +
                           std::string(100000, '[') + std::string(100000, ']') +
                           "}}";
  auto state = ParsePdsState(text);
  ASSERT_FALSE(state.ok());
  EXPECT_NE(state.error().message.find("deeper than 16"), std::string::npos);
}

}  // namespace
}  // namespace ipv6ha
