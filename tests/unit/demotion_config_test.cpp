// The `demotion:` keys this controller adds or bounds: unknown_hold, and
// max below OPNsense's 2^20 share. Errors name file, line and column.

#include "exporter/demotion/demotion_config.h"

#include <gtest/gtest.h>

#include "exporter/demotion/demotion_controller.h"

namespace ipv6ha {
namespace {

struct Parsed {
  DemotionConfig config;
  std::string errors;  // "" when valid
};

// `yaml` is the body of the demotion: mapping, as in a file "test.yml"
// where it starts on line 2.
Parsed Parse(const std::string& yaml) {
  ConfigErrors errors("test.yml");
  const YAML::Node root = YAML::Load("demotion:\n" + yaml);
  ConfigReader reader(root["demotion"], "demotion", &errors);
  Parsed p{ParseDemotionConfig(reader), ""};
  reader.RejectUnknownKeys();
  p.errors = errors.ToString();
  return p;
}

TEST(DemotionConfig, UnknownHoldDefaultsToFiveMinutesAndReadsADuration) {
  auto p = Parse("  sink: none\n");
  ASSERT_EQ(p.errors, "");
  EXPECT_EQ(p.config.unknown_hold, std::chrono::minutes(5));
  p = Parse("  unknown_hold: 90s\n");
  ASSERT_EQ(p.errors, "");
  EXPECT_EQ(p.config.unknown_hold, std::chrono::seconds(90));
  EXPECT_EQ(ControllerParams::From(p.config, "").unknown_hold,
            std::chrono::seconds(90));
}

TEST(DemotionConfig, UnknownHoldMustBeADuration) {
  EXPECT_NE(Parse("  unknown_hold: forever\n")
                .errors.find("test.yml:2:17: demotion.unknown_hold: invalid "
                             "duration"),
            std::string::npos);
}

TEST(DemotionConfig, MaxBelowTwoToTheTwentyIsAccepted) {
  const auto p = Parse("  max: 1048575\n");
  ASSERT_EQ(p.errors, "");
  EXPECT_EQ(p.config.max, 1048575);
}

TEST(DemotionConfig, MaxAtOrAboveTwoToTheTwentyIsAnErrorWithLineAndColumn) {
  EXPECT_EQ(Parse("  max: 1048576\n").errors,
            "test.yml:2:8: demotion.max must be below 2^20 (1048576, "
            "OPNsense's share of net.inet.carp.demotion) so our part of the "
            "counter stays unambiguous, not 1048576");
  EXPECT_NE(Parse("  max: 5000000000\n").errors.find("test.yml:2:8"),
            std::string::npos);
}

}  // namespace
}  // namespace ipv6ha
