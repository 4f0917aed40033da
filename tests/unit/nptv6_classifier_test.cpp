#include "checks/nptv6/nptv6_classifier.h"

#include <gtest/gtest.h>

#include "checks/nptv6/pf_nat_parser.h"
#include "tests/support/fixture_file.h"

namespace ipv6ha {
namespace {

using ipv6ha::testing::ReadFixture;

Ipv6Bytes Addr(const char* text) { return *Ipv6Prefix::ParseAddress(text); }

// The lab of the fixtures: lagg0 = LAN, igc3 = GUEST, both with ULA
// addresses (and a link-local and a global address to be ignored).
InterfaceAddressMap LabAddresses() {
  return {{"lagg0",
           {Addr("fe80::1"), Addr("2001:db8:aa00:10::1"),
            Addr("fd03:17ac:e938:10::1")}},
          {"igc2", {Addr("fd03:17ac:e938:10::1")}},
          {"igc3", {Addr("fd03:17ac:e938:20::1")}}};
}

struct Lab {
  Nptv6Config config;
  PdsState pds;
  InterfaceAddressMap addresses = LabAddresses();

  Lab(const std::string& yml, const std::string& pds_fixture) {
    config = *ParseNptv6Config(ReadFixture("nptv6/" + yml), yml);
    pds = *ParsePdsState(ReadFixture("pds/" + pds_fixture));
  }
  std::vector<ExpectedMapping> Expected() const {
    ExpectationInputs in;
    in.config = &config;
    in.pds = &pds;
    in.addresses = &addresses;
    return ComputeExpectedMappings(in);
  }
  Classification With(const std::string& pf_fixture) const {
    return ClassifyMappings(Expected(),
                            *ParsePfNat(ReadFixture("pfctl/" + pf_fixture)));
  }
};

std::string Str(const std::optional<Ipv6Prefix>& p) {
  return p ? p->ToString() : "none";
}

TEST(Nptv6ExpectationTest, ComputesPerWanMappingsFromPdsAndUlaAddresses) {
  auto expected = Lab("per_wan.yml", "new_format.json").Expected();
  ASSERT_EQ(expected.size(), 3u);
  EXPECT_EQ(Str(expected[0].internal), "fd03:17ac:e938:10::/64");
  EXPECT_EQ(Str(expected[0].external), "2001:db8:aa00:10::/64");
  EXPECT_EQ(expected[0].pd_interface, "igc0");
  EXPECT_EQ(Str(expected[1].external), "2001:db8:bb00:12::/64");
  EXPECT_EQ(Str(expected[2].internal), "fd03:17ac:e938:20::/64");
  EXPECT_EQ(Str(expected[2].external), "2001:db8:aa00:20::/64");
  for (const auto& e : expected) EXPECT_EQ(e.error, "");
}

TEST(Nptv6ExpectationTest, ComputesPerLanMappings) {
  auto expected = Lab("per_lan.yml", "new_format.json").Expected();
  ASSERT_EQ(expected.size(), 2u);
  EXPECT_EQ(Str(expected[0].external), "2001:db8:aa00:10::/64");
  EXPECT_EQ(Str(expected[1].external), "2001:db8:bb00:12::/64");
}

TEST(Nptv6ExpectationTest, PdLenZeroMapsTheWholeDelegation) {
  auto expected = Lab("whole_pd.yml", "new_format.json").Expected();
  ASSERT_EQ(expected.size(), 1u);
  EXPECT_EQ(Str(expected[0].external), "2001:db8:bb00:10::/60");
}

TEST(Nptv6ExpectationTest, SlaOutOfRangeIsAConfigErrorWithPosition) {
  auto expected = Lab("sla_out_of_range.yml", "new_format.json").Expected();
  ASSERT_EQ(expected.size(), 1u);
  EXPECT_FALSE(expected[0].external.has_value());
  EXPECT_TRUE(expected[0].config_error);
  EXPECT_EQ(expected[0].error.rfind("sla_out_of_range.yml:4:5: ", 0), 0u)
      << expected[0].error;
}

TEST(Nptv6ExpectationTest, ExplicitInternalPrefixWinsOverTheInterface) {
  Lab lab("per_lan.yml", "new_format.json");
  ExpectationInputs in;
  in.config = &lab.config;
  in.pds = &lab.pds;
  InterfaceAddressMap none;
  in.addresses = &none;
  in.lan_internal["LAN"] = *Ipv6Prefix::Parse("fd99::/64");
  auto expected = ComputeExpectedMappings(in);
  EXPECT_EQ(Str(expected[0].internal), "fd99::/64");
  EXPECT_FALSE(expected[1].internal.has_value());
  EXPECT_NE(expected[1].error.find("igc3"), std::string::npos);
}

TEST(Nptv6ExpectationTest, UlaOverrideSelectsTheAddress) {
  Lab lab("per_lan.yml", "new_format.json");
  lab.addresses["igc2"].push_back(Addr("fd77:1:2:3::9"));
  ExpectationInputs in;
  in.config = &lab.config;
  in.pds = &lab.pds;
  in.addresses = &lab.addresses;
  in.ula_override = *Ipv6Prefix::Parse("fd77::/16");
  EXPECT_EQ(Str(ComputeExpectedMappings(in)[0].internal), "fd77:1:2:3::/64");
}

TEST(Nptv6ExpectationTest, InactiveOrMissingDelegationLeavesExternalUnknown) {
  auto expected = Lab("per_wan.yml", "pd0_missing.json").Expected();
  EXPECT_FALSE(expected[0].external.has_value());
  EXPECT_NE(expected[0].error.find("prefix_file_missing"), std::string::npos);
  EXPECT_TRUE(expected[1].external.has_value());
}

TEST(Nptv6ExpectationTest, InterfaceWithoutUlaAddressLeavesInternalUnknown) {
  Lab lab("per_lan.yml", "new_format.json");
  lab.addresses.erase("igc3");
  auto expected = lab.Expected();
  EXPECT_FALSE(expected[1].internal.has_value());
  EXPECT_NE(expected[1].error.find("igc3"), std::string::npos);
}

struct ClassifyCase {
  const char* pf_fixture;
  const char* pds_fixture;
  MappingState lan_wan, lan_wan2, guest;
  std::size_t unexpected;
};

class Nptv6ClassifierTest : public ::testing::TestWithParam<ClassifyCase> {};

TEST_P(Nptv6ClassifierTest, ClassifiesEveryMapping) {
  const ClassifyCase& c = GetParam();
  auto result = Lab("per_wan.yml", c.pds_fixture).With(c.pf_fixture);
  ASSERT_EQ(result.mappings.size(), 3u);
  EXPECT_EQ(result.mappings[0].state, c.lan_wan) << result.mappings[0].reason;
  EXPECT_EQ(result.mappings[1].state, c.lan_wan2) << result.mappings[1].reason;
  EXPECT_EQ(result.mappings[2].state, c.guest) << result.mappings[2].reason;
  EXPECT_EQ(result.unexpected.size(), c.unexpected);
}

using S = MappingState;
INSTANTIATE_TEST_SUITE_P(
    Table, Nptv6ClassifierTest,
    ::testing::Values(ClassifyCase{"nat_master.txt", "new_format.json",
                                   S::kPresent, S::kPresent, S::kPresent, 0},
                      ClassifyCase{"nat_stale.txt", "new_format.json",
                                   S::kStale, S::kPresent, S::kPresent, 0},
                      ClassifyCase{"nat_guest_missing.txt", "new_format.json",
                                   S::kPresent, S::kPresent, S::kMissing, 0},
                      ClassifyCase{"nat_backup.txt", "new_format.json",
                                   S::kMissing, S::kMissing, S::kMissing, 0},
                      // The ISP renumbered PD 0: every rule on it is now stale.
                      ClassifyCase{"nat_master.txt", "pd0_renumbered.json",
                                   S::kStale, S::kPresent, S::kStale, 0},
                      ClassifyCase{"nat_master.txt", "pd0_missing.json",
                                   S::kUnknown, S::kPresent, S::kUnknown, 0},
                      ClassifyCase{"nat_variations.txt", "new_format.json",
                                   S::kPresent, S::kMissing, S::kMissing, 1}));

TEST(Nptv6ClassifierTest, StaleReasonNamesTheOldPrefix) {
  auto result = Lab("per_wan.yml", "new_format.json").With("nat_stale.txt");
  EXPECT_NE(result.mappings[0].reason.find("2001:db8:9900:10::/64"),
            std::string::npos)
      << result.mappings[0].reason;
  EXPECT_EQ(result.mappings[0].rules.size(), 2u);
}

TEST(Nptv6ClassifierTest, OneDirectionOnlyIsMissing) {
  Lab lab("per_lan.yml", "new_format.json");
  auto rules = *ParsePfNat(
      "binat on igc0 inet6 from fd03:17ac:e938:10::/64 to any -> "
      "2001:db8:aa00:10::/64\n");
  auto result = ClassifyMappings(lab.Expected(), rules);
  EXPECT_EQ(result.mappings[0].state, MappingState::kMissing);
  EXPECT_NE(result.mappings[0].reason.find("no inbound rule"),
            std::string::npos);
}

}  // namespace
}  // namespace ipv6ha
