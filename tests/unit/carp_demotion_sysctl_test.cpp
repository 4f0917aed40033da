#include "exporter/platform/carp_demotion_sysctl.h"

#include <gtest/gtest.h>

#include <climits>
#include <cstdint>

namespace ipv6ha {
namespace {

// net.inet.carp.demotion is an int in the kernel (carp_demote_adj_sysctl in
// sys/netinet/ip_carp.c reads it with sysctl_handle_int).
TEST(CarpDemotionWriteValue, DeltaWithinIntIsWrittenAsIs) {
  EXPECT_EQ(*CarpDemotionWriteValue(60), 60);
  EXPECT_EQ(*CarpDemotionWriteValue(-60), -60);
  EXPECT_EQ(*CarpDemotionWriteValue(INT_MAX), INT_MAX);
  EXPECT_EQ(*CarpDemotionWriteValue(INT_MIN), INT_MIN);
}

TEST(CarpDemotionWriteValue, DeltaOutsideIntIsRefusedNotTruncated) {
  const std::int64_t too_big = std::int64_t{INT_MAX} + 1;
  auto value = CarpDemotionWriteValue(too_big);
  ASSERT_FALSE(value.ok());
  EXPECT_NE(value.error().message.find("int"), std::string::npos);
  EXPECT_FALSE(CarpDemotionWriteValue(std::int64_t{INT_MIN} - 1).ok());
}

TEST(CarpDemotionEpochFormat, BootIdIsLowerCaseHexOfAllBytes) {
  const unsigned char id[16] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xcd, 0xef, 0xff,
                                0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x09};
  EXPECT_EQ(FormatBootIdEpoch(id, sizeof id),
            "bootid:00017f80abcdefff1020304050607009");
}

TEST(CarpDemotionEpochFormat, BoottimeUsesWholeSecondsOnly) {
  EXPECT_EQ(FormatBoottimeEpoch(1767225600), "boot:1767225600");
}

}  // namespace
}  // namespace ipv6ha
