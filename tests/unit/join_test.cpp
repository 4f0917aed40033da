#include "exporter/text/join.h"

#include <gtest/gtest.h>

namespace ipv6ha {
namespace {

TEST(JoinTest, NoItemsIsEmpty) { EXPECT_EQ(Join({}, "; "), ""); }

TEST(JoinTest, OneItemHasNoSeparator) { EXPECT_EQ(Join({"a"}, "; "), "a"); }

TEST(JoinTest, SeparatorBetweenItemsOnly) {
  EXPECT_EQ(Join({"a", "b", "c"}, ", "), "a, b, c");
}

TEST(JoinTest, EmptyItemsKeepTheirPlace) {
  EXPECT_EQ(Join({"", "b", ""}, "; "), "; b; ");
}

}  // namespace
}  // namespace ipv6ha
