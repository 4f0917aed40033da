#include "exporter/http/metrics_renderer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "tests/support/manual_clock.h"

namespace ipv6ha {
namespace {

class MetricsRendererTest : public ::testing::Test {
 protected:
  std::function<std::string()> Counting() {
    return [this] { return "renderings " + std::to_string(++renders_) + "\n"; };
  }

  testing::ManualClock clock_;
  std::atomic<int> renders_{0};
};

TEST_F(MetricsRendererTest, AFreshRenderingIsServedAndDatedByTheClock) {
  MetricsRenderer renderer(Counting(), "", clock_);
  const auto first = renderer.Wait();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->rendered_at, clock_.SteadyNow());
  EXPECT_EQ(first->bytes->substr(0, 15), "HTTP/1.1 200 OK");
  EXPECT_NE(renderer.Latest(), nullptr) << "no time has passed";
}

// Older than kMaxStaleRendering by the renderer's clock, the last rendering
// is not served: the scrape waits for a new one, dated by that clock.
TEST_F(MetricsRendererTest, ARenderingPastTheStaleLimitIsNotServed) {
  MetricsRenderer renderer(Counting(), "", clock_);
  const auto first = renderer.Wait();
  ASSERT_NE(first, nullptr);
  clock_.Advance(kMaxStaleRendering + std::chrono::milliseconds(1));
  EXPECT_EQ(renderer.Latest(), nullptr);
  const auto next = renderer.Wait();
  ASSERT_NE(next, nullptr);
  EXPECT_NE(next->bytes, first->bytes);
  EXPECT_EQ(next->rendered_at, clock_.SteadyNow());
}

}  // namespace
}  // namespace ipv6ha
