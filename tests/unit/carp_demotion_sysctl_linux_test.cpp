// Off FreeBSD there is no net.inet.carp.demotion: every call says so, as an
// error value (carp_demotion_sysctl_linux.cpp).
#include <gtest/gtest.h>

#include "exporter/platform/carp_demotion_sysctl.h"

namespace ipv6ha {
namespace {

TEST(CarpDemotionSysctl, SaysItIsNotAvailableOffFreeBsd) {
  auto read = ReadCarpDemotion();
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().message.find("this system is not FreeBSD"),
            std::string::npos);
  EXPECT_FALSE(AddCarpDemotion(1).ok());
  EXPECT_FALSE(CarpDemotionEpoch().ok());
}

}  // namespace
}  // namespace ipv6ha
