#include "checks/nptv6/nptv6_config_parser.h"

#include <gtest/gtest.h>

#include <random>

#include "tests/support/fixture_file.h"

namespace ipv6ha {
namespace {

using ipv6ha::testing::ReadFixture;

Expected<Nptv6Config> ParseFixture(const std::string& name) {
  return ParseNptv6Config(ReadFixture("nptv6/" + name), name);
}

TEST(Nptv6ConfigParserTest, ReadsThePerLanShape) {
  auto config = ParseFixture("per_lan.yml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_TRUE(config->ula.has_value());
  EXPECT_EQ(config->ula->ToString(), "fd03:17ac:e938::/48");
  EXPECT_EQ(config->pds_file, "/var/db/dhcp6c-pds.json");
  ASSERT_EQ(config->mappings.size(), 2u);
  const Nptv6Mapping& lan = config->mappings[0];
  EXPECT_EQ(lan.lan, "LAN");
  EXPECT_EQ(lan.interface, "igc2");
  EXPECT_EQ(lan.wan, "");
  EXPECT_EQ(lan.pd_id, "0");
  EXPECT_EQ(lan.sla, 16u);
  EXPECT_EQ(lan.pd_len, 8);
  EXPECT_EQ(lan.where, "per_lan.yml:10:5");
  EXPECT_EQ(config->mappings[1].lan, "GUEST");
  EXPECT_FALSE(config->has_ha_block);
  EXPECT_TRUE(config->ha.apply_rules_only_on_master);
}

TEST(Nptv6ConfigParserTest, ReadsThePerWanShapeAndTheHaBlock) {
  auto config = ParseFixture("per_wan.yml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->mappings.size(), 3u);
  EXPECT_EQ(config->mappings[0].wan, "WAN");
  EXPECT_EQ(config->mappings[0].interface, "lagg0");
  EXPECT_EQ(config->mappings[1].wan, "WAN2");
  EXPECT_EQ(config->mappings[1].pd_id, "1");
  EXPECT_EQ(config->mappings[1].sla, 2u);
  EXPECT_EQ(config->mappings[1].pd_len, 4);
  EXPECT_EQ(config->mappings[2].lan, "GUEST");
  EXPECT_EQ(config->mappings[2].pd_id, "0");  // quoted "0" is the same id
  EXPECT_TRUE(config->has_ha_block);
  EXPECT_TRUE(config->ha.enabled);
  EXPECT_TRUE(config->ha.sync_state);
  EXPECT_EQ(config->ha.backup_node_ip, "192.168.105.2");
  EXPECT_TRUE(config->ha.apply_rules_only_on_master);
}

TEST(Nptv6ConfigParserTest, ReadsApplyRulesOnlyOnMasterFalse) {
  auto config = ParseFixture("whole_pd.yml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_FALSE(config->ha.apply_rules_only_on_master);
  EXPECT_EQ(config->mappings[0].pd_len, 0);
}

struct BadConfig {
  const char* fixture;
  const char* position;  // "file:line:col" prefix expected in the message
  const char* reason_part;
};

class Nptv6ConfigParserBadTest : public ::testing::TestWithParam<BadConfig> {};

TEST_P(Nptv6ConfigParserBadTest, RejectsWithFileLineAndColumn) {
  auto config = ParseFixture(GetParam().fixture);
  ASSERT_FALSE(config.ok());
  const std::string& message = config.error().message;
  EXPECT_EQ(message.rfind(GetParam().position, 0), 0u) << message;
  EXPECT_NE(message.find(GetParam().reason_part), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, Nptv6ConfigParserBadTest,
    ::testing::Values(
        BadConfig{"empty.yml", "empty.yml", "empty"},
        BadConfig{"scalar.yml", "scalar.yml:1:1", "mapping"},
        BadConfig{"bad_ula.yml", "bad_ula.yml:1:11", "0..128"},
        BadConfig{"wrong_types.yml", "wrong_types.yml:6:13", "sla-id"},
        BadConfig{"no_pd_id.yml", "no_pd_id.yml:6:12", "pd-id is missing"},
        BadConfig{"syntax_error.yml", "syntax_error.yml:", ""},
        BadConfig{"truncated.yml", "truncated.yml:", ""}));

TEST(Nptv6ConfigParserTest, RejectsMissingLanInterfaces) {
  auto config = ParseNptv6Config("ipv6-ula: fd00::/48\n", "x.yml");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("lan-interfaces is missing"),
            std::string::npos);
}

TEST(Nptv6ConfigParserTest, RejectsANegativeSla) {
  auto config = ParseNptv6Config(
      "lan-interfaces: {LAN: {interface: igc2, pd-id: 0, sla-id: -1}}\n",
      "x.yml");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("x.yml:1:"), std::string::npos);
}

TEST(Nptv6ConfigParserTest, RejectsTenMebibytesOfGarbage) {
  // 64 KiB of random bytes repeated to 10 MiB: cheap to build, same effect.
  std::string block(64 * 1024, '\0');
  std::mt19937 random(7);
  for (char& c : block) c = static_cast<char>(random() & 0xFF);
  std::string garbage;
  while (garbage.size() < 10 * 1024 * 1024) garbage += block;
  auto config = ParseNptv6Config(garbage, "garbage.yml");
  EXPECT_FALSE(config.ok());
}

}  // namespace
}  // namespace ipv6ha
