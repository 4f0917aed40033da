#include "exporter/platform/echo_matcher.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cstring>

#include "exporter/platform/icmp6_packet.h"

namespace ipv6ha {
namespace {

constexpr std::uint16_t kId = 0x4242;
constexpr std::uint64_t kCookie = 0x1122334455667788ULL;

in6_addr Addr(const char* text) {
  in6_addr a;
  inet_pton(AF_INET6, text, &a);
  return a;
}

// An echo reply as the target sends it back: our request with type 129.
std::string ReplyTo(std::uint16_t id, std::uint16_t seq, std::uint64_t cookie,
                    std::uint64_t serial) {
  std::string b = BuildEchoRequest(id, seq, cookie, serial);
  b[0] = static_cast<char>(129);
  return b;
}

// An ICMPv6 error from `router` quoting our request to `target`.
std::string ErrorQuoting(int type, int code, const in6_addr& target,
                         std::uint16_t id, std::uint16_t seq,
                         std::uint64_t serial) {
  std::string b(8, '\0');
  b[0] = static_cast<char>(type);
  b[1] = static_cast<char>(code);
  std::string ip6(40, '\0');
  ip6[0] = 0x60;
  ip6[6] = 58;  // next header: ICMPv6
  ip6[7] = 64;
  std::memcpy(ip6.data() + 24, &target, 16);
  return b + ip6 + BuildEchoRequest(id, seq, kCookie, serial);
}

TEST(Icmp6PacketTest, EchoRequestHasTypeIdentifierSequenceAndPayload) {
  const std::string b = BuildEchoRequest(0x0102, 0x0304, kCookie, 7);
  ASSERT_EQ(b.size(), 64u);
  EXPECT_EQ(static_cast<std::uint8_t>(b[0]), 128);
  EXPECT_EQ(b[4], 0x01);
  EXPECT_EQ(b[7], 0x04);
  auto m = ParseQuotedEchoRequest(b);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->identifier, 0x0102);
  EXPECT_EQ(m->sequence, 0x0304);
  EXPECT_EQ(*m->cookie, kCookie);
  EXPECT_EQ(*m->serial, 7u);
}

TEST(Icmp6PacketTest, OtherMessagesAreNotOurs) {
  std::string ns(24, '\0');
  ns[0] = static_cast<char>(135);  // neighbour solicitation
  EXPECT_FALSE(ParseIcmp6Message(ns));
  EXPECT_FALSE(ParseIcmp6Message("\x81"));  // truncated
}

TEST(Icmp6PacketTest, ErrorReasonsNameTheCode) {
  EXPECT_EQ(Icmp6ErrorReason(1, 0), "destination unreachable: no route");
  EXPECT_EQ(Icmp6ErrorReason(1, 3),
            "destination unreachable: address unreachable");
  EXPECT_EQ(Icmp6ErrorReason(1, 1),
            "destination unreachable: administratively prohibited");
  EXPECT_EQ(Icmp6ErrorReason(3, 0),
            "time exceeded: hop limit exceeded in transit");
}

TEST(EchoMatcherTest, ReplyFromTheTargetMatchesItsProbe) {
  EchoMatcher m(kId, kCookie);
  const in6_addr target = Addr("2001:db8::1");
  const auto seq = m.Add(17, 5, target);
  auto reply = ParseIcmp6Message(ReplyTo(kId, seq, kCookie, 5));
  ASSERT_TRUE(reply);
  EXPECT_EQ(m.Match(*reply, target), 17u);
  EXPECT_EQ(m.size(), 0u);
}

TEST(EchoMatcherTest, ReplyWithAnotherIdentifierIsForeign) {
  EchoMatcher m(kId, kCookie);
  const in6_addr target = Addr("2001:db8::1");
  const auto seq = m.Add(1, 1, target);
  auto reply = ParseIcmp6Message(ReplyTo(kId + 1, seq, kCookie, 1));
  EXPECT_FALSE(m.Match(*reply, target));
  EXPECT_EQ(m.size(), 1u);
}

TEST(EchoMatcherTest, ReplyWithAnotherCookieIsForeign) {
  EchoMatcher m(kId, kCookie);
  const in6_addr target = Addr("2001:db8::1");
  const auto seq = m.Add(1, 1, target);
  EXPECT_FALSE(
      m.Match(*ParseIcmp6Message(ReplyTo(kId, seq, kCookie + 1, 1)), target));
  EXPECT_FALSE(
      m.Match(*ParseIcmp6Message(ReplyTo(kId, seq, kCookie, 2)), target));
}

TEST(EchoMatcherTest, ReplyFromAnotherAddressIsForeign) {
  EchoMatcher m(kId, kCookie);
  const auto seq = m.Add(1, 1, Addr("2001:db8::1"));
  EXPECT_FALSE(m.Match(*ParseIcmp6Message(ReplyTo(kId, seq, kCookie, 1)),
                       Addr("2001:db8::2")));
}

TEST(EchoMatcherTest, LateReplyAfterTimeoutIsIgnored) {
  EchoMatcher m(kId, kCookie);
  const in6_addr target = Addr("2001:db8::1");
  const auto seq = m.Add(1, 1, target);
  m.Remove(seq);  // the probe timed out
  EXPECT_FALSE(
      m.Match(*ParseIcmp6Message(ReplyTo(kId, seq, kCookie, 1)), target));
}

TEST(EchoMatcherTest, DuplicateReplyMatchesOnce) {
  EchoMatcher m(kId, kCookie);
  const in6_addr target = Addr("2001:db8::1");
  const auto seq = m.Add(1, 1, target);
  auto reply = *ParseIcmp6Message(ReplyTo(kId, seq, kCookie, 1));
  EXPECT_TRUE(m.Match(reply, target));
  EXPECT_FALSE(m.Match(reply, target));
}

TEST(EchoMatcherTest, ErrorQuotingOurRequestFailsThatProbeWithReason) {
  EchoMatcher m(kId, kCookie);
  const in6_addr target = Addr("2001:db8::1");
  const auto seq = m.Add(9, 3, target);
  auto error = ParseIcmp6Message(ErrorQuoting(1, 0, target, kId, seq, 3));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, Icmp6Message::Kind::kError);
  EXPECT_EQ(error->reason, "destination unreachable: no route");
  EXPECT_EQ(m.Match(*error, Addr("fe80::1")), 9u);  // from the router
}

TEST(EchoMatcherTest, ErrorQuotingAnotherDestinationIsForeign) {
  EchoMatcher m(kId, kCookie);
  const auto seq = m.Add(9, 3, Addr("2001:db8::1"));
  auto error =
      ParseIcmp6Message(ErrorQuoting(3, 0, Addr("2001:db8::99"), kId, seq, 3));
  ASSERT_TRUE(error);
  EXPECT_FALSE(m.Match(*error, Addr("fe80::1")));
}

TEST(EchoMatcherTest, SequencesSkipThoseStillInFlight) {
  EchoMatcher m(kId, kCookie);
  const in6_addr t = Addr("2001:db8::1");
  const auto a = m.Add(1, 1, t);
  const auto b = m.Add(2, 2, t);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace ipv6ha
