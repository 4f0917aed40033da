#include "checks/nptv6/pf_nat_parser.h"

#include <gtest/gtest.h>

#include "tests/support/fixture_file.h"
#include "tests/support/npt_rule_text.h"

namespace ipv6ha {
namespace {

using ipv6ha::testing::ReadFixture;

using ipv6ha::testing::DescribeNptRule;

TEST(PfNatParserTest, FindsOpnsenseBinatPairsAndSkipsOtherRules) {
  auto rules = ParsePfNat(ReadFixture("pfctl/nat_master.txt"));
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  ASSERT_EQ(rules->size(), 6u);
  EXPECT_EQ(DescribeNptRule((*rules)[0]),
            "igc0 fd03:17ac:e938:10::/64 -> 2001:db8:aa00:10::/64");
  EXPECT_EQ(DescribeNptRule((*rules)[1]),
            "igc0 2001:db8:aa00:10::/64 -> fd03:17ac:e938:10::/64");
  EXPECT_EQ((*rules)[0].label, "1b2f6c9d0a4e8f3b7c5d2e1f0a9b8c7d");
  EXPECT_EQ((*rules)[2].label, "LAN via WAN2");
  EXPECT_EQ(DescribeNptRule((*rules)[5]),
            "igc0 2001:db8:aa00:20::/64 -> fd03:17ac:e938:20::/64");
  EXPECT_EQ((*rules)[4].label, "");
}

TEST(PfNatParserTest, ReadsQuotingAndOptionalInet6) {
  auto rules = ParsePfNat(ReadFixture("pfctl/nat_variations.txt"));
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  ASSERT_EQ(rules->size(), 3u);  // the <table> and IPv4 binat are skipped
  EXPECT_EQ((*rules)[0].interface, "igc0");
  EXPECT_EQ((*rules)[0].label, "NPT \"LAN\" rule");
  EXPECT_EQ(DescribeNptRule((*rules)[1]),
            "igc0 2001:db8:aa00:10::/64 -> fd03:17ac:e938:10::/64");
  EXPECT_EQ(DescribeNptRule((*rules)[2]),
            "igc1 fd03:17ac:e938:30::1/128 -> 2001:db8:bb00:13::1/128");
}

TEST(PfNatParserTest, BackupWithoutBinatHasNoRules) {
  auto rules = ParsePfNat(ReadFixture("pfctl/nat_backup.txt"));
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  EXPECT_TRUE(rules->empty());
  auto empty = ParsePfNat(ReadFixture("pfctl/nat_empty.txt"));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

struct BadOutput {
  const char* fixture;
  const char* reason_part;
};

class PfNatParserBadTest : public ::testing::TestWithParam<BadOutput> {};

TEST_P(PfNatParserBadTest, RejectsWithALineNumber) {
  auto rules = ParsePfNat(ReadFixture(GetParam().fixture));
  ASSERT_FALSE(rules.ok());
  EXPECT_NE(rules.error().message.find(GetParam().reason_part),
            std::string::npos)
      << rules.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, PfNatParserBadTest,
    ::testing::Values(BadOutput{"pfctl/nat_garbage.txt",
                                "line 1 is not a pf translation rule"},
                      BadOutput{"pfctl/nat_bad_prefix.txt", "line 1"},
                      BadOutput{"pfctl/nat_bad_zzz.txt",
                                "cannot read the prefixes"}));

TEST(PfNatParserTest, RejectsAnOverlongLine) {
  auto rules = ParsePfNat("binat on igc0 " + std::string(10000, 'x'));
  ASSERT_FALSE(rules.ok());
  EXPECT_NE(rules.error().message.find("too long"), std::string::npos);
}

TEST(PfNatParserTest, RejectsAnInet6BinatWithoutArrow) {
  auto rules = ParsePfNat("binat on igc0 inet6 from fd00::/64 to any\n");
  ASSERT_FALSE(rules.ok());
}

}  // namespace
}  // namespace ipv6ha
