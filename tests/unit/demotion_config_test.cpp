// The `demotion:` keys this controller adds or bounds: unknown_hold, and
// max below OPNsense's 2^20 share.

#include "exporter/demotion/demotion_config.h"

#include <gtest/gtest.h>

#include "exporter/config.h"
#include "exporter/demotion/demotion_controller.h"

namespace ipv6ha {
namespace {

Expected<LoadedConfig> Load(const std::string& yaml) {
  CheckEnv env;
  return LoadConfigFromString(yaml, "test.yml", env);
}

std::string ErrorOf(const std::string& yaml) {
  auto c = Load(yaml);
  return c ? "" : c.error().message;
}

TEST(DemotionConfig, UnknownHoldDefaultsToFiveMinutesAndReadsADuration) {
  auto c = Load("demotion: {sink: none}\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->config.demotion.unknown_hold, std::chrono::minutes(5));
  c = Load("demotion: {unknown_hold: 90s}\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->config.demotion.unknown_hold, std::chrono::seconds(90));
  EXPECT_EQ(ControllerParams::From(c->config.demotion, "").unknown_hold,
            std::chrono::seconds(90));
}

TEST(DemotionConfig, UnknownHoldMustBeADuration) {
  EXPECT_NE(ErrorOf("demotion: {unknown_hold: forever}\n")
                .find("test.yml:1:26: demotion.unknown_hold: invalid duration"),
            std::string::npos);
}

TEST(DemotionConfig, MaxBelowTwoToTheTwentyIsAccepted) {
  auto c = Load("demotion: {max: 1048575}\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->config.demotion.max, 1048575);
}

TEST(DemotionConfig, MaxAtOrAboveTwoToTheTwentyIsAnErrorWithLineAndColumn) {
  EXPECT_EQ(ErrorOf("demotion:\n  max: 1048576\n"),
            "test.yml:2:8: demotion.max must be below 2^20 (1048576, "
            "OPNsense's share of net.inet.carp.demotion) so our part of the "
            "counter stays unambiguous, not 1048576");
  EXPECT_NE(ErrorOf("demotion: {max: 5000000000}\n").find("test.yml:1:17"),
            std::string::npos);
}

}  // namespace
}  // namespace ipv6ha
