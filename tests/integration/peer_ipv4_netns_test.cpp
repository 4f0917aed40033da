// A pair whose sync link is IPv4 only (root only): two network namespaces,
// one veth pair with IPv6 turned off on both ends, 192.0.2.1 <-> 192.0.2.2.
//  - the prober's ICMPv4 echo over that link, raw and datagram sockets,
//    and an ICMPv4 error ("host unreachable") from a rejecting peer;
//  - two real exporters, each the other's peer by IPv4 address: fw1 fails
//    over to fw2 for a local fault, not once fw2's own upstream fails;
//    reasons name the peer by the name it reports; fw1's landing page shows
//    both nodes, their checks, the lease and the decisions.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "exporter/platform/prober.h"
#include "exporter/platform/resolver.h"
#include "tests/support/exporter_process.h"
#include "tests/support/netns.h"

namespace ipv6ha::testing {
namespace {

using std::chrono::milliseconds;

class Ipv4PairLab : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!CanUseNetNs()) GTEST_SKIP() << "needs root and ip netns";
    fw1_ = std::make_unique<NetNs>("v4fw1");
    fw2_ = std::make_unique<NetNs>("v4fw2");
    link_ = std::make_unique<VethPair>(*fw1_, "sync0", *fw2_, "sync0");
    ASSERT_TRUE(link_->ok());
    Configure(*fw1_, "192.0.2.1/24");
    Configure(*fw2_, "192.0.2.2/24");
  }

  // IPv4 only on the sync link: no IPv6 address, not even link-local.
  static void Configure(const NetNs& ns, const std::string& address) {
    ASSERT_TRUE(
        ns.MustExec({"sysctl", "-qw", "net.ipv6.conf.sync0.disable_ipv6=1"}));
    ASSERT_TRUE(
        ns.MustExec({"ip", "-4", "addr", "add", address, "dev", "sync0"}));
    // Ping sockets for every group, in this namespace only.
    ASSERT_TRUE(ns.MustExec(
        {"sysctl", "-qw", "net.ipv4.ping_group_range=0 2147483647"}));
  }

  std::vector<ProbeOutcome> ProbeFromFw1(IcmpSocketKind kind, int count) {
    std::vector<ProbeOutcome> out;
    fw1_->RunIn([&] {
      Prober prober(Prober::Options{kind});
      ProbeSpec spec;
      spec.target = *ResolveHost("192.0.2.2");
      out = prober.ProbeAll(std::vector<ProbeSpec>(count, spec),
                            milliseconds(800));
    });
    return out;
  }

  std::optional<HttpResponse> Get(const NetNs& ns, const std::string& host,
                                  const std::string& path) {
    std::optional<HttpResponse> r;
    ns.RunIn([&] { r = HttpGet(host, 9646, path, "", milliseconds(2000)); });
    return r;
  }

  nlohmann::json Status(const NetNs& ns, const std::string& host) {
    auto r = Get(ns, host, "/api/v1/status");
    if (!r || r->status != 200) return nlohmann::json::object();
    auto doc = nlohmann::json::parse(r->body, nullptr, false);
    return doc.is_discarded() ? nlohmann::json::object() : doc;
  }

  std::unique_ptr<NetNs> fw1_;
  std::unique_ptr<NetNs> fw2_;
  std::unique_ptr<VethPair> link_;
  TempDir dir_;
};

TEST_F(Ipv4PairLab, LinkHasNoIpv6AtAll) {
  auto out = fw1_->Exec({"ip", "-6", "addr", "show", "dev", "sync0"});
  EXPECT_EQ(out.exit_code, 0) << out.err;
  EXPECT_EQ(out.out, "") << "IPv6 is still configured on the sync link";
}

TEST_F(Ipv4PairLab, Icmp4EchoCrossesTheLinkWithRawAndDatagramSockets) {
  for (auto kind : {IcmpSocketKind::kRaw, IcmpSocketKind::kDatagram}) {
    for (const auto& o : ProbeFromFw1(kind, 3)) {
      EXPECT_EQ(o.result, ProbeResult::kSuccess)
          << (kind == IcmpSocketKind::kRaw ? "raw: " : "datagram: ")
          << o.reason;
      EXPECT_GT(o.rtt.count(), 0);
    }
  }
}

TEST_F(Ipv4PairLab, RejectedEchoIsAFailureWithTheIcmp4Reason) {
  ASSERT_TRUE(fw2_->MustExec({"nft", "add", "table", "inet", "lab"}));
  ASSERT_TRUE(fw2_->MustExec({"nft", "add", "chain", "inet", "lab", "in",
                              "{ type filter hook input priority 0; }"}));
  ASSERT_TRUE(fw2_->MustExec({"nft", "add", "rule", "inet", "lab", "in", "icmp",
                              "type", "echo-request", "reject", "with", "icmp",
                              "type", "host-unreachable"}));
  for (auto kind : {IcmpSocketKind::kRaw, IcmpSocketKind::kDatagram}) {
    auto out = ProbeFromFw1(kind, 1);
    EXPECT_EQ(out[0].result, ProbeResult::kFailure);
    EXPECT_EQ(out[0].reason,
              "destination unreachable: host unreachable (from 192.0.2.2)");
  }
}

TEST_F(Ipv4PairLab, PairFailsOverByIpv4ButNotToAWorsePeer) {
  const std::string local_fault = (dir_.path() / "fw1-fault").string();
  const std::string upstream_fault = (dir_.path() / "fw2-upstream").string();
  const std::string track = (dir_.path() / "fw1.track").string();
  // No peer.name on either side: reasons use the name the peer reports.
  const std::string fw1 =
      dir_.Write("fw1.yml", R"(
listen: ["192.0.2.1:9646"]
node: {name: fw1}
role: {source: static, static: master}
peer: {address: "192.0.2.2", api: "http://192.0.2.2:9646", timeout: 400ms}
checks:
  peer_reachability: {interval: 300ms, timeout: 600ms}
  local_service: {type: command, argv: [/bin/sh, -c, "test ! -e )" +
                                local_fault + R"("],
                  interval: 300ms, timeout: 1s, weight: 50}
demotion: {sink: keepalived_track_file, track_file: )" +
                                track + R"(, state_file: )" +
                                (dir_.path() / "fw1.state").string() +
                                R"(, fall: 2, rise: 2, hold_down: 0s}
)");
  const std::string fw2 = dir_.Write("fw2.yml", R"(
listen: ["192.0.2.2:9646"]
node: {name: fw2}
role: {source: static, static: backup}
peer: {address: "192.0.2.1", api: "http://192.0.2.1:9646", timeout: 400ms}
checks:
  local_service: {type: command, argv: [/bin/true], interval: 300ms, weight: 50}
  upstream_path: {type: command, argv: [/bin/sh, -c, "test ! -e )" +
                                                    upstream_fault + R"("],
                  interval: 300ms, timeout: 1s, weight: 100, scope: upstream}
demotion: {sink: none}
)");
  ExporterProcess p2({"--config", fw2}, fw2_->name());
  ExporterProcess p1({"--config", fw1}, fw1_->name());
  auto reason = [&] {
    const nlohmann::json status = Status(*fw1_, "192.0.2.1");
    return status.value("controller", nlohmann::json::object())
        .value("reason", "");
  };
  auto peer_check = [&] {
    const nlohmann::json status = Status(*fw1_, "192.0.2.1");
    for (const auto& c : status.value("checks", nlohmann::json::array()))
      if (c["name"] == "peer_reachability") return c.value("summary", "");
    return std::string();
  };
  auto track_value = [&] {
    std::ifstream in(track);
    std::string v;
    in >> v;
    return v;
  };
  // ICMPv4 and the API over the IPv4-only link.
  ASSERT_TRUE(WaitFor(
      [&] {
        return peer_check().find("peer fw2 reachable (rtt ") == 0 &&
               peer_check().find("backup, ready") != std::string::npos;
      },
      milliseconds(10000)))
      << Status(*fw1_, "192.0.2.1").dump() << "\n"
      << p1.Log() << p2.Log();

  std::ofstream(local_fault) << "x";
  // The status shows a decision once its evaluation ends, a moment after
  // the track file is written: wait for both.
  ASSERT_TRUE(WaitFor(
      [&] {
        return track_value() == "50" &&
               reason().find("demoting by 50") != std::string::npos;
      },
      milliseconds(10000)))
      << reason() << "\n"
      << p1.Log();
  EXPECT_NE(reason().find("demoting by 50: local_service failed"),
            std::string::npos)
      << reason();
  EXPECT_NE(reason().find("peer fw2 ready"), std::string::npos) << reason();

  // The landing page, from another host of the link (no JavaScript needed).
  auto page = Get(*fw2_, "192.0.2.1", "/");
  ASSERT_TRUE(page && page->status == 200);
  const std::string& html = page->body;
  for (const char* part :
       {"<meta http-equiv=\"refresh\" content=\"5\">", "<h2>The pair</h2>",
        "<th>this node fw1</th><th>peer fw2</th>", "<b>master</b>",
        "<b>backup</b>", "desired 50, applied 50",
        "<td>local_service</td><td class=\"fail\"><b>fail</b>",
        "<td class=\"ok\"><b>ok</b>", "<td>upstream_path</td><td>&ndash;</td>",
        "<h2>Leases</h2>",
        "<td>this node fw1</td><td>local_service</td><td>50"
        "</td><td>fail</td>",
        "<h2>Last decisions</h2>", "demoting by 50: local_service failed"}) {
    EXPECT_NE(html.find(part), std::string::npos) << part << "\n" << html;
  }
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);

  // fw2's own upstream fails: it is ready, but no better than fw1.
  std::ofstream(upstream_fault) << "x";
  ASSERT_TRUE(WaitFor(
      [&] {
        return track_value() == "0" &&
               reason().find("is no better") != std::string::npos;
      },
      milliseconds(10000)))
      << reason() << "\n"
      << p1.Log();
  EXPECT_NE(reason().find("not demoting: local_service failed"),
            std::string::npos)
      << reason();
  EXPECT_NE(reason().find("but peer fw2 is no better: its upstream_path fails "
                          "(upstream)"),
            std::string::npos)
      << reason();
  const auto decisions = Status(*fw1_, "192.0.2.1")["controller"]["decisions"];
  ASSERT_GE(decisions.size(), 2u) << decisions.dump();
  EXPECT_NE(decisions.back().value("reason", "").find("is no better"),
            std::string::npos)
      << decisions.dump();
}

}  // namespace
}  // namespace ipv6ha::testing
