// SelectInterfaceSource: which address a probe through an interface sends
// from under kSourceAndPktinfo (FreeBSD's method).
#include "exporter/platform/interface_binding.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace ipv6ha {
namespace {

std::array<std::uint8_t, 16> A(const char* text) {
  std::array<std::uint8_t, 16> out{};
  EXPECT_EQ(inet_pton(AF_INET6, text, out.data()), 1) << text;
  return out;
}

struct Case {
  const char* name;
  InterfaceAddressMap addresses;
  const char* want;        // nullptr: an error
  const char* error_part;  // part of the error when want is nullptr
};

TEST(SelectInterfaceSource, PicksAsDocumented) {
  const Case cases[] = {
      {"one global address",
       {{"igc1", {A("2001:db8:1::10")}}},
       "2001:db8:1::10",
       nullptr},
      {"link-local first, global second",
       {{"igc1", {A("fe80::1"), A("2001:db8:1::10")}}},
       "2001:db8:1::10",
       nullptr},
      {"several global: the first the kernel lists",
       {{"igc1", {A("fe80::1"), A("2001:db8:1::20"), A("2001:db8:1::10")}}},
       "2001:db8:1::20",
       nullptr},
      {"global beats an earlier unique local",
       {{"igc1", {A("fd00:1::1"), A("2001:db8:1::10")}}},
       "2001:db8:1::10",
       nullptr},
      {"unique local when there is no global",
       {{"igc1", {A("fe80::1"), A("fd00:1::1"), A("fd00:1::2")}}},
       "fd00:1::1",
       nullptr},
      {"other interfaces do not count",
       {{"igc0", {A("2001:db8::1")}}, {"igc1", {A("fe80::1")}}},
       nullptr,
       "interface igc1 has no global IPv6 address (only link-local ones)"},
      {"only loopback and multicast-looking addresses",
       {{"igc1", {A("::1"), A("ff02::1"), A("::ffff:192.0.2.1")}}},
       nullptr,
       "has no global IPv6 address"},
      {"unknown interface",
       {{"igc0", {A("2001:db8::1")}}},
       nullptr,
       "interface igc1 has no IPv6 address (or does not exist)"},
  };
  for (const auto& c : cases) {
    auto got = SelectInterfaceSource("igc1", c.addresses);
    if (c.want != nullptr) {
      ASSERT_TRUE(got.ok()) << c.name << ": " << got.error().message;
      EXPECT_EQ(*got, c.want) << c.name;
    } else {
      ASSERT_FALSE(got.ok()) << c.name << ": chose " << *got;
      EXPECT_NE(got.error().message.find(c.error_part), std::string::npos)
          << c.name << ": " << got.error().message;
    }
  }
}

TEST(BindProbeToInterface, UnknownInterfaceIsAnErrorNamingIt) {
  const int fd = socket(AF_INET6, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  auto got = BindProbeToInterface(fd, ProbeSocketType::kTcp,
                                  InterfaceBinding::kSourceAndPktinfo,
                                  "nosuchif0", "");
  close(fd);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("nosuchif0: no such interface"),
            std::string::npos)
      << got.error().message;
}

// "lo" on Linux, "lo0" on FreeBSD.
std::string LoopbackName() {
  for (const char* name : {"lo", "lo0"}) {
    if (if_nametoindex(name) != 0) return name;
  }
  return "lo";
}

TEST(BindProbeToInterface, AConfiguredSourceWinsOverTheInterfacesOwn) {
  const int fd = socket(AF_INET6, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  // Loopback has only ::1 (unusable as a probe source), but `source` is
  // configured, so no address is chosen and the index is set.
  auto got = BindProbeToInterface(fd, ProbeSocketType::kTcp,
                                  InterfaceBinding::kSourceAndPktinfo,
                                  LoopbackName(), "2001:db8::5");
  close(fd);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(*got, "2001:db8::5");
}

}  // namespace
}  // namespace ipv6ha
