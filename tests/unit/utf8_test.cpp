#include "exporter/text/utf8.h"

#include <gtest/gtest.h>

namespace ipv6ha {
namespace {

constexpr char kFffd[] = "\xEF\xBF\xBD";

TEST(Utf8Test, ValidTextIsUnchanged) {
  for (const char* s : {"", "fw1", "gr\xC3\xBC\xC3\x9F", "\xE2\x82\xAC 5",
                        "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF"}) {
    EXPECT_TRUE(IsValidUtf8(s)) << s;
    EXPECT_EQ(RepairUtf8(s), s);
  }
}

struct RepairCase {
  const char* in;
  std::string out;
  std::size_t first_invalid;
};

class Utf8Repair : public ::testing::TestWithParam<RepairCase> {};

TEST_P(Utf8Repair, ReplacesEachMaximalIllFormedSubpart) {
  EXPECT_EQ(FirstInvalidUtf8(GetParam().in), GetParam().first_invalid);
  const std::string repaired = RepairUtf8(GetParam().in);
  EXPECT_EQ(repaired, GetParam().out);
  EXPECT_TRUE(IsValidUtf8(repaired));
}

INSTANTIATE_TEST_SUITE_P(
    IllFormed, Utf8Repair,
    ::testing::Values(
        // The interface name of the issue: two stray bytes, two replacements.
        RepairCase{"ig\xff\xfe"
                   "0",
                   std::string("ig") + kFffd + kFffd + "0", 2},
        RepairCase{"\x80", kFffd, 0},  // lone continuation
        RepairCase{"\xC0\xAF", std::string(kFffd) + kFffd, 0},  // overlong '/'
        RepairCase{"\xED\xA0\x80", std::string(kFffd) + kFffd + kFffd,
                   0},  // surrogate
        RepairCase{"\xF4\x90\x80\x80",
                   std::string(kFffd) + kFffd + kFffd + kFffd, 0},
        RepairCase{"a\xE2\x82", std::string("a") + kFffd, 1},  // cut at the end
        RepairCase{"\xE2\x82"
                   "b",
                   std::string(kFffd) + "b", 0},  // cut before ASCII
        RepairCase{"\xF0\x9F\x98"
                   "\xF0\x9F\x98\x80",
                   std::string(kFffd) + "\xF0\x9F\x98\x80", 0}));

TEST(Utf8Test, RepairInPlaceSaysWhetherItChangedSomething) {
  std::string ok = "fw1";
  EXPECT_FALSE(RepairUtf8InPlace(ok));
  std::string bad = "fw\xff";
  EXPECT_TRUE(RepairUtf8InPlace(bad));
  EXPECT_EQ(bad, std::string("fw") + kFffd);
}

TEST(Utf8Test, PrefixIsCutBeforeACharacterNotInsideIt) {
  const std::string text = "ab\xE2\x82\xAC";  // "ab€"
  EXPECT_EQ(Utf8Prefix(text, 4), "ab");
  EXPECT_EQ(Utf8Prefix(text, 5), text);
  EXPECT_EQ(Utf8Prefix(text, 2), "ab");
  EXPECT_EQ(Utf8Prefix(text, 0), "");
}

}  // namespace
}  // namespace ipv6ha
