#include "checks/pds/ipv6_prefix.h"

#include <gtest/gtest.h>

namespace ipv6ha {
namespace {

Ipv6Prefix P(const char* text) {
  auto p = Ipv6Prefix::Parse(text);
  EXPECT_TRUE(p.ok()) << text;
  return p.ok() ? *p : Ipv6Prefix();
}

TEST(Ipv6PrefixTest, ParsesAndFormatsCanonically) {
  EXPECT_EQ(P("2001:0db8:0001:0010:0000::/64").ToString(),
            "2001:db8:1:10::/64");
  EXPECT_EQ(P("::/0").ToString(), "::/0");
  EXPECT_EQ(P("fd03:17ac:e938::/48").length(), 48);
}

TEST(Ipv6PrefixTest, ClearsHostBits) {
  EXPECT_EQ(P("2001:db8::1/64").ToString(), "2001:db8::/64");
  EXPECT_EQ(P("2001:db8:aa3f::/45").ToString(), "2001:db8:aa38::/45");
}

TEST(Ipv6PrefixTest, RejectsMalformedPrefixes) {
  for (const char* bad :
       {"2001:db8::/129", "zzz", "", "/64", "2001:db8::", "2001:db8::/",
        "2001:db8::/-1", "2001:db8::/64x", "2001:db8::/0064", "10.0.0.0/8",
        "2001:db8:::/64", "2001:db8::/ 64", "fd00::/64/64"}) {
    auto p = Ipv6Prefix::Parse(bad);
    EXPECT_FALSE(p.ok()) << bad;
    if (!p.ok()) {
      EXPECT_FALSE(p.error().message.empty());
    }
  }
}

TEST(Ipv6PrefixTest, AddressWithoutLengthIsA128) {
  auto p = Ipv6Prefix::ParseAddressOrPrefix("fd03::1");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->ToString(), "fd03::1/128");
}

TEST(Ipv6PrefixTest, ContainsChecksEveryPrefixBit) {
  const Ipv6Prefix ula = P("fd03:17ac:e938::/48");
  EXPECT_TRUE(ula.Contains(*Ipv6Prefix::ParseAddress("fd03:17ac:e938:10::1")));
  EXPECT_FALSE(ula.Contains(*Ipv6Prefix::ParseAddress("fd03:17ac:e939::1")));
  EXPECT_TRUE(P("2001:db8::/29").Contains(P("2001:dbf::/32")));
  EXPECT_FALSE(P("2001:db8::/29").Contains(P("2001:dc0::/32")));
  EXPECT_FALSE(P("2001:db8::/64").Contains(P("2001:db8::/48")));
  EXPECT_TRUE(P("::/0").Contains(P("2001:db8::/64")));
}

struct SubnetCase {
  const char* pd;
  std::uint64_t sla;
  int length;
  const char* want;  // nullptr: error expected
};

class Ipv6PrefixSubnetTest : public ::testing::TestWithParam<SubnetCase> {};

TEST_P(Ipv6PrefixSubnetTest, ComputesSubnetOrRejectsIt) {
  const SubnetCase& c = GetParam();
  auto subnet = P(c.pd).Subnet(c.sla, c.length);
  if (c.want == nullptr) {
    EXPECT_FALSE(subnet.ok()) << c.pd << " sla " << c.sla << " /" << c.length;
  } else {
    ASSERT_TRUE(subnet.ok()) << subnet.error().message;
    EXPECT_EQ(subnet->ToString(), c.want);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, Ipv6PrefixSubnetTest,
    ::testing::Values(
        // A /56 into /60s: 16 subnets.
        SubnetCase{"2001:db8:aa00::/56", 0, 60, "2001:db8:aa00::/60"},
        SubnetCase{"2001:db8:aa00::/56", 1, 60, "2001:db8:aa00:10::/60"},
        SubnetCase{"2001:db8:aa00::/56", 15, 60, "2001:db8:aa00:f0::/60"},
        SubnetCase{"2001:db8:aa00::/56", 16, 60, nullptr},
        // A /56 into /64s: 256 subnets.
        SubnetCase{"2001:db8:aa00::/56", 16, 64, "2001:db8:aa00:10::/64"},
        SubnetCase{"2001:db8:aa00::/56", 255, 64, "2001:db8:aa00:ff::/64"},
        SubnetCase{"2001:db8:aa00::/56", 256, 64, nullptr},
        // A /48 into /64s.
        SubnetCase{"2001:db8:7::/48", 0xabcd, 64, "2001:db8:7:abcd::/64"},
        SubnetCase{"2001:db8:7::/48", 0x10000, 64, nullptr},
        // A /60 into /64s, odd lengths, and the whole prefix.
        SubnetCase{"2001:db8:bb00:10::/60", 2, 64, "2001:db8:bb00:12::/64"},
        SubnetCase{"2001:db8:bb00:10::/60", 0, 60, "2001:db8:bb00:10::/60"},
        SubnetCase{"2001:db8:bb00:10::/60", 1, 60, nullptr},
        SubnetCase{"2001:db8:aa00::/57", 1, 59, "2001:db8:aa00:20::/59"},
        SubnetCase{"2001:db8:aa00::/57", 3, 59, "2001:db8:aa00:60::/59"},
        SubnetCase{"2001:db8:aa00::/57", 4, 59, nullptr},
        SubnetCase{"2001:db8::/64", 1, 128, "2001:db8::1/128"},
        SubnetCase{"::/0", 1, 64, "0:0:0:1::/64"},
        // Shorter than the prefix, or past 128.
        SubnetCase{"2001:db8:aa00::/56", 0, 48, nullptr},
        SubnetCase{"2001:db8:aa00::/56", 0, 129, nullptr}));

}  // namespace
}  // namespace ipv6ha
