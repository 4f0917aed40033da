// The prober against loopback: real sockets, no namespaces. ICMPv6 needs
// root (raw socket) or net.ipv4.ping_group_range (datagram socket).

#include "exporter/platform/prober.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "exporter/platform/icmp6_socket.h"
#include "tests/support/loopback_listener.h"

namespace ipv6ha {
namespace {

using std::chrono::milliseconds;

ProbeSpec Loopback(int tcp_port = 0) {
  ProbeSpec s;
  s.target = *ParseIpv6Address("::1");
  s.tcp_port = tcp_port;
  return s;
}

bool CanOpen(IcmpSocketKind kind) {
  return Icmp6Socket::Open(kind, "", "").ok();
}

TEST(ProberTest, EchoToLoopbackSucceedsWithRawSocket) {
  if (!CanOpen(IcmpSocketKind::kRaw))
    GTEST_SKIP() << "needs root or CAP_NET_RAW";
  Prober prober(Prober::Options{IcmpSocketKind::kRaw});
  auto out =
      prober.ProbeAll({Loopback(), Loopback(), Loopback()}, milliseconds(500));
  for (const auto& o : out) {
    EXPECT_EQ(o.result, ProbeResult::kSuccess) << o.reason;
    EXPECT_GT(o.rtt.count(), 0);
    EXPECT_LT(o.rtt, milliseconds(50));
  }
  EXPECT_EQ(prober.Counters().matched, 3u);
}

TEST(ProberTest, EchoToLoopbackSucceedsWithDatagramSocket) {
  if (!CanOpen(IcmpSocketKind::kDatagram)) {
    GTEST_SKIP() << "ping sockets not allowed (net.ipv4.ping_group_range)";
  }
  Prober prober(Prober::Options{IcmpSocketKind::kDatagram});
  auto out = prober.ProbeAll({Loopback(), Loopback()}, milliseconds(500));
  for (const auto& o : out)
    EXPECT_EQ(o.result, ProbeResult::kSuccess) << o.reason;
}

TEST(ProberTest, TwoProbersOnOneHostDoNotStealReplies) {
  if (!CanOpen(IcmpSocketKind::kRaw))
    GTEST_SKIP() << "needs root or CAP_NET_RAW";
  Prober a(Prober::Options{IcmpSocketKind::kRaw});
  Prober b(Prober::Options{IcmpSocketKind::kRaw});
  // Open both sockets first: each then receives a copy of every reply.
  a.ProbeAll({Loopback()}, milliseconds(500));
  b.ProbeAll({Loopback()}, milliseconds(500));
  std::vector<ProbeOutcome> out_a;
  std::thread t([&] {
    out_a = a.ProbeAll({Loopback(), Loopback()}, milliseconds(500));
  });
  auto out_b = b.ProbeAll({Loopback(), Loopback()}, milliseconds(500));
  t.join();
  for (const auto& o : out_a) EXPECT_EQ(o.result, ProbeResult::kSuccess);
  for (const auto& o : out_b) EXPECT_EQ(o.result, ProbeResult::kSuccess);
  // Each raw socket sees the other's replies too, and ignores them.
  EXPECT_GE(a.Counters().ignored + b.Counters().ignored, 1u);
}

TEST(ProberTest, TcpConnectToListenerSucceeds) {
  testing::LoopbackListener listener(AF_INET6);
  Prober prober;
  auto out = prober.ProbeAll({Loopback(listener.port())}, milliseconds(500));
  EXPECT_EQ(out[0].result, ProbeResult::kSuccess) << out[0].reason;
}

TEST(ProberTest, TcpConnectToClosedPortFailsAsRefused) {
  int port = 0;
  {
    testing::LoopbackListener gone(AF_INET6);
    port = gone.port();
  }
  Prober prober;
  auto out = prober.ProbeAll({Loopback(port)}, milliseconds(500));
  EXPECT_EQ(out[0].result, ProbeResult::kFailure);
  EXPECT_EQ(out[0].reason, "connection refused");
}

TEST(ProberTest, BadSourceIsAnErrorNotALoss) {
  Prober prober;
  ProbeSpec s = Loopback();
  s.source = "2001:db8::dead";  // not configured on this host
  auto out = prober.ProbeAll({s}, milliseconds(200));
  EXPECT_EQ(out[0].result, ProbeResult::kError);
  EXPECT_NE(out[0].reason.find("2001:db8::dead"), std::string::npos)
      << out[0].reason;
}

TEST(ProberTest, ManyConcurrentTcpProbesAllComplete) {
  testing::LoopbackListener listener(AF_INET6);
  Prober prober;
  std::vector<ProbeSpec> specs(100, Loopback(listener.port()));
  auto out = prober.ProbeAll(specs, milliseconds(1000));
  int ok = 0;
  for (const auto& o : out) ok += o.result == ProbeResult::kSuccess;
  EXPECT_EQ(ok, 100);
}

TEST(ProberTest, DestroyingTheProberCompletesOpenProbes) {
  std::atomic<int> done{0};
  {
    Prober prober;
    testing::LoopbackListener listener(AF_INET6);
    for (int i = 0; i < 5; ++i) {
      prober.Submit(Loopback(listener.port()), std::chrono::seconds(10),
                    [&](const ProbeOutcome&) { ++done; });
    }
  }
  EXPECT_EQ(done.load(), 5);
}

TEST(ProberTest, AddressesParseWithZones) {
  EXPECT_TRUE(ParseIpv6Address("2001:db8::1").ok());
  EXPECT_TRUE(ParseIpv6Address("fe80::1%lo").ok());
  EXPECT_FALSE(ParseIpv6Address("fe80::1%nosuchif0").ok());
  EXPECT_FALSE(ParseIpv6Address("192.0.2.1").ok());
  EXPECT_EQ(FormatIpv6Address(ParseIpv6Address("2001:db8:0::1")->sin6_addr),
            "2001:db8::1");
}

}  // namespace
}  // namespace ipv6ha
