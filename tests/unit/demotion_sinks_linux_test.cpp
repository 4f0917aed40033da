// Off FreeBSD the carp_sysctl sink's kernel counter says it is not there,
// as an error value (carp_demotion_sysctl_linux.cpp).
#include <gtest/gtest.h>

#include "exporter/demotion/carp_sysctl_sink.h"

namespace ipv6ha {
namespace {

TEST(CarpSysctlSink, KernelCounterIsUnavailableOffFreeBsd) {
  auto counter = MakeKernelCarpDemotionCounter();
  auto v = counter->Read();
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("not FreeBSD"), std::string::npos);
}

}  // namespace
}  // namespace ipv6ha
