#include "checks/backup_upstream_path.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cstring>

namespace ipv6ha {
namespace {

std::array<std::uint8_t, 16> A(const char* text) {
  std::array<std::uint8_t, 16> b{};
  EXPECT_EQ(inet_pton(AF_INET6, text, b.data()), 1) << text;
  return b;
}

in6_addr In6(const char* text) {
  in6_addr a{};
  EXPECT_EQ(inet_pton(AF_INET6, text, &a), 1) << text;
  return a;
}

RouteLookup Found(const char* source) {
  RouteLookup r;
  r.state = RouteState::kFound;
  r.source = In6(source);
  return r;
}

RouteLookup Failed(RouteState state, const char* error = "") {
  RouteLookup r;
  r.state = state;
  r.error = error;
  return r;
}

// A WAN igc0 with a global address, a LAN with a unique local one, a sync
// link, and a second WAN igc1 that has only its link-local address.
const InterfaceAddressMap kAddresses = {
    {"igc0", {A("fe80::1"), A("2001:db8:1::2")}},
    {"igc1", {A("fe80::2")}},
    {"lan", {A("fe80::3"), A("fd00:10::3")}},
    {"lo", {A("::1")}},
};

struct PathCase {
  const char* what;
  const char* target;
  RouteLookup route;
  ProbePath how;
  const char* missing;  // "" = usable
};

class MissingUpstreamPathTest : public ::testing::TestWithParam<PathCase> {};

TEST_P(MissingUpstreamPathTest, NamesWhatIsMissing) {
  const PathCase& p = GetParam();
  EXPECT_EQ(
      MissingUpstreamPath(p.target, In6(p.target), p.route, p.how, kAddresses),
      p.missing)
      << p.what;
}

INSTANTIATE_TEST_SUITE_P(
    Table, MissingUpstreamPathTest,
    ::testing::Values(
        PathCase{"a route and a global source",
                 "2001:db8::1",
                 Found("2001:db8:1::2"),
                 {},
                 ""},
        PathCase{"no route at all (WAN down)",
                 "2001:db8::1",
                 Failed(RouteState::kNoRoute),
                 {},
                 "no route to 2001:db8::1"},
        PathCase{"the default route leads through the peer from a ULA",
                 "2001:db8::1",
                 Found("fd00:10::3"),
                 {},
                 "no global source address towards 2001:db8::1 (the kernel "
                 "would send from fd00:10::3 on lan)"},
        PathCase{"a source address nobody holds",
                 "2001:db8::1",
                 Found("fd00:99::9"),
                 {},
                 "no global source address towards 2001:db8::1 (the kernel "
                 "would send from fd00:99::9)"},
        PathCase{"a route, but nothing to send from",
                 "2001:db8::1",
                 Failed(RouteState::kNoSourceAddress),
                 {},
                 "no address to send from towards 2001:db8::1"},
        PathCase{"bound to a WAN that has a global address",
                 "2001:db8::1",
                 Found("2001:db8:1::2"),
                 {"", "igc0"},
                 ""},
        PathCase{"bound to a WAN without a route",
                 "2001:db8::1",
                 Failed(RouteState::kNoRoute),
                 {"", "igc0"},
                 "no route to 2001:db8::1 via igc0"},
        PathCase{"bound to a WAN with only link-local addresses",
                 "2001:db8::1",
                 Failed(RouteState::kNoRoute),
                 {"", "igc1"},
                 "no global address on igc1"},
        PathCase{"bound to a WAN with no IPv6 address at all",
                 "2001:db8::1",
                 Failed(RouteState::kNoRoute),
                 {"", "igc9"},
                 "no IPv6 address on igc9"},
        PathCase{"bound to an interface that does not exist",
                 "2001:db8::1",
                 Failed(RouteState::kNoInterface, "No such device"),
                 {"", "igc9"},
                 "no interface igc9"},
        PathCase{"a configured source that is not ours",
                 "2001:db8::1",
                 Failed(RouteState::kSourceNotLocal),
                 {"2001:db8:7::1", ""},
                 "source 2001:db8:7::1 is not an address of this node"},
        PathCase{"a configured ULA source (NPTv6 end to end)",
                 "2001:db8::1",
                 Found("fd00:10::3"),
                 {"fd00:10::3", ""},
                 "source fd00:10::3 is not a global address: it reaches "
                 "2001:db8::1 only through NPTv6"},
        PathCase{"a ULA target is reached from a ULA",
                 "fd12::1",
                 Found("fd00:10::3"),
                 {},
                 ""},
        PathCase{"a ULA target needs more than link-local",
                 "fd12::1",
                 Found("fe80::3"),
                 {"", ""},
                 "no global or unique local source address towards fd12::1 "
                 "(the kernel would send from fe80::3 on lan)"},
        PathCase{"a link-local target is reached from link-local",
                 "fe80::1",
                 Found("fe80::2"),
                 {"", "igc1"},
                 ""},
        PathCase{
            "loopback is reached from loopback", "::1", Found("::1"), {}, ""},
        PathCase{"a lookup that fails says why",
                 "2001:db8::1",
                 Failed(RouteState::kError, "Too many open files"),
                 {},
                 "cannot look up the route to 2001:db8::1: Too many open "
                 "files"}));

TEST(MissingUpstreamPathsTest, QuorumOfUsablePathsIsEnough) {
  EXPECT_EQ(MissingUpstreamPaths({"", "no route to b", ""}, 2), "");
  EXPECT_EQ(MissingUpstreamPaths({"", "", ""}, 3), "");
}

TEST(MissingUpstreamPathsTest, BelowQuorumListsDistinctReasons) {
  EXPECT_EQ(MissingUpstreamPaths({"", "no route to b", "no route to c"}, 2),
            "no route to b, c");
  EXPECT_EQ(MissingUpstreamPaths({"no route to a via igc0", "no route to b",
                                  "source x is not an address of this node",
                                  "no route to c via igc0"},
                                 1),
            "no route to a, c via igc0; no route to b; source x is not an "
            "address of this node");
  EXPECT_EQ(MissingUpstreamPaths(
                {"no global address on igc0", "no global address on igc0"}, 1),
            "no global address on igc0");
}

}  // namespace
}  // namespace ipv6ha
