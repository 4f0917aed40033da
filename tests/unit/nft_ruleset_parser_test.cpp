#include "checks/nptv6/nft_ruleset_parser.h"

#include <gtest/gtest.h>

#include <random>

#include "tests/support/fixture_file.h"
#include "tests/support/npt_rule_text.h"

namespace ipv6ha {
namespace {

using ipv6ha::testing::ReadFixture;

using ipv6ha::testing::DescribeNptRule;

TEST(NftRulesetParserTest, FindsSnatAndDnatPrefixRulesWithNetmap) {
  auto rules = ParseNftRuleset(ReadFixture("nft/ruleset_master.json"));
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  ASSERT_EQ(rules->size(), 6u);
  EXPECT_EQ(DescribeNptRule((*rules)[0]),
            "wan0 fd03:17ac:e938:10::/64 -> 2001:db8:aa00:10::/64");
  EXPECT_EQ((*rules)[0].label, "LAN via WAN");
  EXPECT_NE((*rules)[0].source.find("snat in inet nptv6/postrouting"),
            std::string::npos);
  EXPECT_EQ(DescribeNptRule((*rules)[2]),
            "wan0 2001:db8:aa00:10::/64 -> fd03:17ac:e938:10::/64");
  // ip6 table; the plain `snat to ADDR` rule is not NPT and is skipped.
  EXPECT_EQ(DescribeNptRule((*rules)[4]),
            "wan0 fd03:17ac:e938:20::/64 -> 2001:db8:aa00:20::/64");
  EXPECT_EQ(DescribeNptRule((*rules)[5]),
            "wan0 2001:db8:aa00:20::/64 -> fd03:17ac:e938:20::/64");
}

TEST(NftRulesetParserTest, AcceptsFlagListsAndRulesWithoutMatch) {
  auto rules = ParseNftRuleset(ReadFixture("nft/flags_list.json"));
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  ASSERT_EQ(rules->size(), 2u);  // the dnat without netmap is not NPT
  EXPECT_EQ(DescribeNptRule((*rules)[0]),
            " fd03:17ac:e938:10::/64 -> 2001:db8:aa00:10::/64");
  EXPECT_FALSE((*rules)[1].from.has_value());
}

TEST(NftRulesetParserTest, RulesetWithoutNptHasNoRules) {
  auto rules = ParseNftRuleset(ReadFixture("nft/ruleset_backup.json"));
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  EXPECT_TRUE(rules->empty());
}

TEST(NftRulesetParserTest, SkipsPrefixesOfTheWrongType) {
  auto rules = ParseNftRuleset(ReadFixture("nft/wrong_types.json"));
  EXPECT_FALSE(rules.ok());  // the bare 5 in the list is not an object
  auto only_bad_prefix = ParseNftRuleset(
      R"({"nftables": [{"rule": {"expr": [{"snat": {"addr": {"prefix": )"
      R"({"addr": 7, "len": "x"}}, "flags": "netmap"}}]}}]})");
  ASSERT_TRUE(only_bad_prefix.ok());
  EXPECT_TRUE(only_bad_prefix->empty());
}

struct BadOutput {
  std::string text;
  const char* reason_part;
};

class NftRulesetParserBadTest : public ::testing::TestWithParam<BadOutput> {};

TEST_P(NftRulesetParserBadTest, RejectsWithAReason) {
  auto rules = ParseNftRuleset(GetParam().text);
  ASSERT_FALSE(rules.ok());
  EXPECT_NE(rules.error().message.find(GetParam().reason_part),
            std::string::npos)
      << rules.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Outputs, NftRulesetParserBadTest,
    ::testing::Values(
        BadOutput{"", "printed nothing"},
        BadOutput{ReadFixture("nft/not_json.txt"), "not valid JSON"},
        BadOutput{ReadFixture("nft/no_nftables_list.json"), "no \"nftables\""},
        BadOutput{ReadFixture("nft/ruleset_master.json").substr(0, 3000),
                  "not valid JSON"},
        BadOutput{"[1, 2]", "not a JSON object"}));

TEST(NftRulesetParserTest, RejectsTenMebibytesOfGarbage) {
  // 64 KiB of random bytes repeated to 10 MiB: cheap to build, same effect.
  std::string block(64 * 1024, '\0');
  std::mt19937 random(3);
  for (char& c : block) c = static_cast<char>(random() & 0xFF);
  std::string garbage;
  while (garbage.size() < 10 * 1024 * 1024) garbage += block;
  EXPECT_FALSE(ParseNftRuleset(garbage).ok());
}

}  // namespace
}  // namespace ipv6ha
