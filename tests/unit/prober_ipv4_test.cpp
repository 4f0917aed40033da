// The prober's IPv4 side against loopback (127.0.0.0/8, all of it answers
// on Linux), next to ::1: real sockets, the one engine for both families.
// The raw socket needs root or CAP_NET_RAW; the datagram one an allowing
// net.ipv4.ping_group_range (tests/integration/peer_ipv4_netns_test.cpp
// sets it inside a namespace of its own).

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exporter/platform/icmp4_packet.h"
#include "exporter/platform/icmp4_socket.h"
#include "exporter/platform/prober.h"
#include "exporter/platform/resolver.h"
#include "tests/support/loopback_listener.h"

namespace ipv6ha {
namespace {

using std::chrono::milliseconds;

ProbeSpec Target(const std::string& address, int tcp_port = 0) {
  ProbeSpec s;
  s.target = *ResolveHost(address);
  s.tcp_port = tcp_port;
  return s;
}

bool CanOpen4(IcmpSocketKind kind) {
  return Icmp4Socket::Open(kind, "", "").ok();
}

TEST(ProberIpv4Test, HostAddressesResolveAsMappedIpv4) {
  auto a = ResolveHost("192.168.105.2");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_TRUE(IsIpv4Mapped(a->sin6_addr));
  EXPECT_EQ(FormatProbeAddress(a->sin6_addr), "192.168.105.2");
  auto v6 = ResolveHost("fd03:17ac:e938:10::2");
  ASSERT_TRUE(v6.ok());
  EXPECT_FALSE(IsIpv4Mapped(v6->sin6_addr));
  EXPECT_FALSE(ResolveHost("192.168.105.300.1").ok());
  // The upstream checks stay IPv6 only.
  EXPECT_FALSE(ResolveIpv6("192.168.105.2").ok());
}

TEST(ProberIpv4Test, EchoAcross127Slash8SucceedsWithRawSocket) {
  if (!CanOpen4(IcmpSocketKind::kRaw))
    GTEST_SKIP() << "needs root or CAP_NET_RAW";
  Prober prober(Prober::Options{IcmpSocketKind::kRaw});
  auto out = prober.ProbeAll(
      {Target("127.0.0.1"), Target("127.0.0.2"), Target("127.1.2.3")},
      milliseconds(500));
  for (const auto& o : out) {
    EXPECT_EQ(o.result, ProbeResult::kSuccess) << o.reason;
    EXPECT_GT(o.rtt.count(), 0);
    EXPECT_LT(o.rtt, milliseconds(50));
  }
  EXPECT_EQ(prober.Counters().matched, 3u);
}

TEST(ProberIpv4Test, OneEngineProbesBothFamiliesAtOnce) {
  if (!CanOpen4(IcmpSocketKind::kRaw) ||
      !Icmp6Socket::Open(IcmpSocketKind::kRaw, "", "").ok()) {
    GTEST_SKIP() << "needs root or CAP_NET_RAW";
  }
  Prober prober(Prober::Options{IcmpSocketKind::kRaw});
  auto out = prober.ProbeAll(
      {Target("127.0.0.1"), Target("::1"), Target("127.0.0.1"), Target("::1")},
      milliseconds(500));
  for (const auto& o : out)
    EXPECT_EQ(o.result, ProbeResult::kSuccess) << o.reason;
}

TEST(ProberIpv4Test, EchoSucceedsWithDatagramSocketWhenAllowed) {
  if (!CanOpen4(IcmpSocketKind::kDatagram)) {
    GTEST_SKIP() << "ping sockets not allowed (net.ipv4.ping_group_range); "
                    "the namespace test covers them";
  }
  Prober prober(Prober::Options{IcmpSocketKind::kDatagram});
  auto out = prober.ProbeAll({Target("127.0.0.1")}, milliseconds(500));
  EXPECT_EQ(out[0].result, ProbeResult::kSuccess) << out[0].reason;
}

TEST(ProberIpv4Test, EchoFromAnIpv4SourceSucceedsAndFromAForeignOneIsAnError) {
  if (!CanOpen4(IcmpSocketKind::kRaw))
    GTEST_SKIP() << "needs root or CAP_NET_RAW";
  Prober prober(Prober::Options{IcmpSocketKind::kRaw});
  ProbeSpec ok = Target("127.0.0.2");
  ok.source = "127.0.0.1";
  ProbeSpec foreign = Target("127.0.0.2");
  foreign.source = "192.0.2.77";  // not on this host
  ProbeSpec wrong_family = Target("127.0.0.2");
  wrong_family.source = "::1";
  auto out = prober.ProbeAll({ok, foreign, wrong_family}, milliseconds(500));
  EXPECT_EQ(out[0].result, ProbeResult::kSuccess) << out[0].reason;
  EXPECT_EQ(out[1].result, ProbeResult::kError);
  EXPECT_NE(out[1].reason.find("cannot bind ICMP socket to source 192.0.2.77"),
            std::string::npos)
      << out[1].reason;
  EXPECT_EQ(out[2].result, ProbeResult::kError);
  EXPECT_NE(out[2].reason.find("is not an IPv4 address"), std::string::npos)
      << out[2].reason;
}

TEST(ProberIpv4Test, TcpConnectOverIpv4SucceedsAndARefusalFails) {
  int closed_port = 0;
  {
    testing::LoopbackListener gone(AF_INET);
    closed_port = gone.port();
  }
  testing::LoopbackListener listener(AF_INET);
  Prober prober;
  ProbeSpec from = Target("127.0.0.1", listener.port());
  from.source = "127.0.0.1";
  auto out = prober.ProbeAll({Target("127.0.0.1", listener.port()), from,
                              Target("127.0.0.1", closed_port)},
                             milliseconds(500));
  EXPECT_EQ(out[0].result, ProbeResult::kSuccess) << out[0].reason;
  EXPECT_EQ(out[1].result, ProbeResult::kSuccess) << out[1].reason;
  EXPECT_EQ(out[2].result, ProbeResult::kFailure);
  EXPECT_EQ(out[2].reason, "connection refused");
}

// The bytes themselves: a request whose checksum verifies, a reply behind
// an IPv4 header, and an error quoting our request.
TEST(Icmp4PacketTest, RequestChecksumVerifiesAndRepliesAndErrorsParse) {
  const std::string request = BuildEcho4Request(0x1234, 7, 0xc0ffee, 42);
  EXPECT_EQ(request[0], 8);
  EXPECT_EQ(InternetChecksum(request), 0) << "a valid checksum sums to 0";

  std::string ip(20, '\0');
  ip[0] = 0x45;
  ip[9] = 1;  // ICMP
  ip[12] = 127, ip[15] = 1;
  ip[16] = 127, ip[19] = 2;
  std::string reply = request;
  reply[0] = 0;
  auto m = ParseIcmp4Packet(ip + reply);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->kind, Icmp6Message::Kind::kEchoReply);
  EXPECT_EQ(m->identifier, 0x1234);
  EXPECT_EQ(m->sequence, 7);
  EXPECT_EQ(m->cookie, 0xc0ffeeu);
  EXPECT_EQ(m->serial, 42u);
  // Our own request seen on a raw socket is not an answer.
  EXPECT_FALSE(ParseIcmp4Packet(ip + request).has_value());

  // Host unreachable, quoting the request's IPv4 header and first 8 bytes
  // only (all RFC 792 asks for): matched by identifier and sequence.
  std::string error(8, '\0');
  error[0] = 3;
  error[1] = 1;
  auto e = ParseIcmp4Packet(ip + error + ip + request.substr(0, 8));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->kind, Icmp6Message::Kind::kError);
  EXPECT_EQ(e->reason, "destination unreachable: host unreachable");
  EXPECT_EQ(e->sequence, 7);
  EXPECT_FALSE(e->cookie.has_value());
  ASSERT_TRUE(e->quoted_destination.has_value());
  EXPECT_EQ(FormatProbeAddress(*e->quoted_destination), "127.0.0.2");
  EXPECT_FALSE(ParseIcmp4Packet(ip.substr(0, 12)).has_value());
}

}  // namespace
}  // namespace ipv6ha
