#include "exporter/base/duration.h"

#include <gtest/gtest.h>

namespace ipv6ha {
namespace {

struct DurationCase {
  const char* text;
  long long millis;
};

class ValidDurationTest : public ::testing::TestWithParam<DurationCase> {};

TEST_P(ValidDurationTest, ParsesToMilliseconds) {
  auto d = ParseDuration(GetParam().text);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->count(), GetParam().millis);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ValidDurationTest,
    ::testing::Values(
        DurationCase{"0", 0}, DurationCase{"250ms", 250},
        DurationCase{"10s", 10'000}, DurationCase{"1m30s", 90'000},
        DurationCase{"1h", 3'600'000}, DurationCase{"2d", 172'800'000},
        DurationCase{"1w", 604'800'000}, DurationCase{"1h1m1s1ms", 3'661'001}));

class InvalidDurationTest : public ::testing::TestWithParam<const char*> {};

TEST_P(InvalidDurationTest, IsRejectedWithAReason) {
  auto d = ParseDuration(GetParam());
  ASSERT_FALSE(d);
  EXPECT_FALSE(d.error().message.empty());
}

INSTANTIATE_TEST_SUITE_P(Table, InvalidDurationTest,
                         ::testing::Values("", "-5s", "10", "5x", "s", "1s1m",
                                           "1s1s", "1.5s", " 1s",
                                           "99999999999999999999h"));

TEST(DurationTest, NegativeDurationSaysNegative) {
  EXPECT_NE(ParseDuration("-1s").error().message.find("negative"),
            std::string::npos);
}

TEST(DurationTest, FormatReadsBack) {
  for (long long ms :
       {0LL, 1LL, 250LL, 1000LL, 90'000LL, 3'661'001LL, 604'800'000LL}) {
    auto text = FormatDuration(Duration(ms));
    auto back = ParseDuration(text == "0s" ? "0" : text);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(back->count(), ms) << text;
  }
  EXPECT_EQ(FormatDuration(Duration(90'000)), "1m30s");
  EXPECT_EQ(FormatDuration(Duration(250)), "250ms");
}

}  // namespace
}  // namespace ipv6ha
