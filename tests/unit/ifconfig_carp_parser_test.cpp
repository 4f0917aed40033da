#include "exporter/platform/ifconfig_carp_parser.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace ipv6ha {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(IPV6HA_FIXTURES) + "/ifconfig/" + name);
  EXPECT_TRUE(in) << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

RoleReading ReadingOf(const std::string& fixture) {
  RoleReading r;
  r.vhids = ParseIfconfigCarp(Fixture(fixture));
  DeriveNodeRole(r);
  return r;
}

TEST(IfconfigCarpParser, FreeBsd13MasterListsEveryVhidOnEveryInterface) {
  const auto v = ParseIfconfigCarp(Fixture("freebsd13_master.txt"));
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0], (CarpVhid{"igb0", 1, CarpState::kMaster, 1, 0, "", ""}));
  EXPECT_EQ(v[1], (CarpVhid{"igb0", 2, CarpState::kMaster, 1, 0, "", ""}));
  EXPECT_EQ(v[2], (CarpVhid{"igb1", 3, CarpState::kMaster, 1, 0, "", ""}));
}

TEST(IfconfigCarpParser, FreeBsd14PeerLinesAttachToTheirVhid) {
  const auto v = ParseIfconfigCarp(Fixture("freebsd14_backup.txt"));
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0], (CarpVhid{"vtnet0", 1, CarpState::kBackup, 1, 100,
                            "224.0.0.18", "ff02::12"}));
  EXPECT_EQ(v[1].vhid, 2);
  EXPECT_EQ(v[2], (CarpVhid{"vtnet1", 5, CarpState::kBackup, 2, 100, "10.0.0.2",
                            "fe80::5a9c:fcff:fe0e:2179"}));
}

// `ifconfig -k` (root) appends ` key "..."` to the carp line (carp_status in
// sbin/ifconfig/carp.c); the key may contain spaces and must not disturb
// the fields before it or the peer line after it.
TEST(IfconfigCarpParser, PrintedKeyDoesNotDisturbTheVhid) {
  const auto v = ParseIfconfigCarp(Fixture("freebsd14_printkeys.txt"));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0], (CarpVhid{"vtnet0", 1, CarpState::kMaster, 1, 0, "224.0.0.18",
                            "ff02::12"}));
}

TEST(IfconfigCarpParser, VlanAndLaggNamesAreKeptVerbatim) {
  const auto v = ParseIfconfigCarp(Fixture("freebsd14_mixed_vlan_lagg.txt"));
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].interface, "lagg0");
  EXPECT_EQ(v[1].interface, "vlan0.10");
  EXPECT_EQ(v[1].vhid, 10);
  EXPECT_EQ(v[1].state, CarpState::kBackup);
  EXPECT_EQ(v[2].interface, "vlan0.10");
  EXPECT_EQ(v[2].vhid, 11);
  EXPECT_EQ(v[3].interface, "igc1_vlan20");
}

TEST(IfconfigCarpParser, OutputWithoutCarpHasNoVhid) {
  EXPECT_TRUE(ParseIfconfigCarp(Fixture("freebsd13_none.txt")).empty());
  EXPECT_TRUE(ParseIfconfigCarp("").empty());
}

struct RoleRow {
  const char* fixture;
  Role role;
  bool mixed;
  bool error;
};

class NodeRoleTable : public ::testing::TestWithParam<RoleRow> {};

TEST_P(NodeRoleTable, NodeIsMasterOnlyWhenEveryVhidIsMaster) {
  const RoleRow& row = GetParam();
  const RoleReading r = ReadingOf(row.fixture);
  EXPECT_EQ(r.role, row.role) << row.fixture << ": " << r.detail;
  EXPECT_EQ(r.mixed, row.mixed) << row.fixture;
  EXPECT_EQ(!r.error.empty(), row.error) << row.fixture << ": " << r.error;
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, NodeRoleTable,
    ::testing::Values(
        RoleRow{"freebsd13_master.txt", Role::kMaster, false, false},
        RoleRow{"freebsd14_backup.txt", Role::kBackup, false, false},
        RoleRow{"freebsd14_init.txt", Role::kInit, false, false},
        RoleRow{"freebsd14_mixed_vlan_lagg.txt", Role::kBackup, true, false},
        RoleRow{"freebsd13_none.txt", Role::kUnknown, false, true}));

TEST(IfconfigCarpParser, MixedReadingSaysSoInItsDetail) {
  const RoleReading r = ReadingOf("freebsd14_mixed_vlan_lagg.txt");
  EXPECT_NE(r.detail.find("3 MASTER, 1 BACKUP"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("mixed"), std::string::npos) << r.detail;
}

TEST(IfconfigCarpParser, NaiveSubstringMatchWouldBeFooledButParserIsNot) {
  // A BACKUP node whose description mentions MASTER must not read as MASTER.
  const std::string text =
      "igb0: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu "
      "1500\n"
      "\tdescription: MASTER uplink\n"
      "\tcarp: BACKUP vhid 1 advbase 1 advskew 100\n";
  RoleReading r;
  r.vhids = ParseIfconfigCarp(text);
  DeriveNodeRole(r);
  EXPECT_EQ(r.role, Role::kBackup);
}

}  // namespace
}  // namespace ipv6ha
