// peer_reachability against a real second exporter in its own network
// namespace (root only), and our exporter against fake peers that answer
// garbage, 50 MB or nothing (loopback, no root needed).

#include <gtest/gtest.h>

#include <cstdio>

#include "tests/integration/connectivity_lab.h"
#include "tests/support/exporter_process.h"
#include "tests/support/fake_http_server.h"

namespace ipv6ha::testing {
namespace {

using std::chrono::milliseconds;

// "node" runs our check, "peer" runs the second exporter; veth n0 <-> p0.
class PeerLab : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!CanUseNetNs()) GTEST_SKIP() << "needs root and ip netns";
    node_ = std::make_unique<NetNs>("node");
    peer_ = std::make_unique<NetNs>("peer");
    link_ = std::make_unique<VethPair>(*node_, "n0", *peer_, "p0");
    ASSERT_TRUE(link_->ok());
    ASSERT_TRUE(node_->MustExec(
        {"ip", "-6", "addr", "add", "fd00:99::1/64", "dev", "n0", "nodad"}));
    ASSERT_TRUE(peer_->MustExec(
        {"ip", "-6", "addr", "add", "fd00:99::2/64", "dev", "p0", "nodad"}));
    // The HTTP side on IPv4: the system civetweb may lack IPv6 listening.
    ASSERT_TRUE(
        node_->MustExec({"ip", "addr", "add", "192.0.2.1/24", "dev", "n0"}));
    ASSERT_TRUE(
        peer_->MustExec({"ip", "addr", "add", "192.0.2.2/24", "dev", "p0"}));
  }

  std::unique_ptr<NetNs> node_;
  std::unique_ptr<NetNs> peer_;
  std::unique_ptr<VethPair> link_;
  TempDir dir_;
};

TEST_F(PeerLab, SecondExporterIsSeenThenLostWhenKilledThenUnreachable) {
  const std::string peer_config = dir_.Write("peer.yml", R"(
listen: ["192.0.2.2:9646"]
node: {name: fw2}
role: {source: static, static: backup}
checks:
  always_ok: {type: command, argv: [/bin/true], interval: 1s}
)");
  auto peer = std::make_unique<ExporterProcess>(
      std::vector<std::string>{"--config", peer_config}, peer_->name());
  CheckEnv env;
  env.peer_view = std::make_shared<PeerView>();
  CheckRunner runner(*node_, R"(
peer: {address: "fd00:99::2", api: "http://192.0.2.2:9646", timeout: 400ms}
checks:
  peer_reachability: {interval: 300ms, timeout: 500ms}
)",
                     env);
  // The peer answers before its own first check result: "not ready" until
  // then (long enough to see under TSan).
  ASSERT_TRUE(WaitFor(
      [&] {
        auto l = runner.Latest();
        return l && l->status == CheckStatus::kOk &&
               l->summary.find("backup, ready") != std::string::npos;
      },
      milliseconds(8000)))
      << (runner.Latest() ? runner.Latest()->summary : "") << peer->Log();
  EXPECT_EQ(runner.Latest()->summary.rfind("peer fw2 reachable (rtt ", 0), 0u)
      << runner.Latest()->summary;
  EXPECT_NE(runner.Latest()->summary.find("backup, ready"), std::string::npos);
  auto seen = env.peer_view->Latest();
  ASSERT_TRUE(seen);
  EXPECT_TRUE(seen->reachable);
  EXPECT_TRUE(seen->api_ok);
  ASSERT_TRUE(seen->status.has_value());
  EXPECT_EQ(seen->status->node, "fw2");
  EXPECT_GT(seen->rtt.count(), 0);

  peer->Stop();
  ASSERT_TRUE(
      WaitFor([&] { return runner.Latest()->status == CheckStatus::kFail; },
              milliseconds(3000)));
  EXPECT_NE(runner.Latest()->summary.find("API is unreachable"),
            std::string::npos)
      << runner.Latest()->summary;
  seen = env.peer_view->Latest();
  EXPECT_TRUE(seen->reachable);  // the host still answers ICMPv6
  EXPECT_FALSE(seen->api_ok);
  ASSERT_TRUE(seen->status.has_value());
  EXPECT_EQ(seen->status->node, "fw2");  // last good data, aging
  EXPECT_LT(seen->fetched_at, seen->updated_at);

  ASSERT_TRUE(peer_->MustExec({"ip", "link", "set", "p0", "down"}));
  ASSERT_TRUE(WaitFor(
      [&] {
        return runner.Latest()->summary.rfind("peer unreachable: ", 0) == 0;
      },
      milliseconds(3000)))
      << runner.Latest()->summary;
  EXPECT_EQ(runner.Latest()->status, CheckStatus::kFail);
  EXPECT_FALSE(env.peer_view->Latest()->reachable);
}

// Our exporter (the real binary on loopback) with a fake peer.
class FakePeerTest : public ::testing::Test {
 protected:
  void StartExporter(const std::string& peer_url) {
    port_ = FreePort();
    const std::string config = dir_.Write(
        "node.yml", "listen: [\"127.0.0.1:" + std::to_string(port_) + "\"]\n" +
                        "node: {name: fw1}\n" + "peer: {api: \"" + peer_url +
                        "\", timeout: 500ms}\n" +
                        "checks:\n  peer_reachability: {interval: 300ms, "
                        "timeout: 700ms}\n");
    exporter_ = std::make_unique<ExporterProcess>(
        std::vector<std::string>{"--config", config});
    ASSERT_TRUE(exporter_->WaitReady(port_)) << exporter_->Log();
  }

  // The peer check's status and summary from our /api/v1/status.
  std::pair<std::string, std::string> PeerCheck() {
    auto r = HttpGet("127.0.0.1", port_, "/api/v1/status");
    if (!r || r->status != 200) return {"", ""};
    auto doc = nlohmann::json::parse(r->body, nullptr, false);
    if (doc.is_discarded()) return {"", ""};
    for (const auto& c : doc["checks"]) {
      if (c["name"] == "peer_reachability") return {c["status"], c["summary"]};
    }
    return {"", ""};
  }

  void ExpectUnknownWhileStayingResponsive(const std::string& reason) {
    ASSERT_TRUE(WaitFor(
        [&] {
          auto [status, summary] = PeerCheck();
          return status == "unknown" &&
                 summary.find(reason) != std::string::npos;
        },
        milliseconds(5000)))
        << PeerCheck().second << exporter_->Log();
    // Scrapes are served at once while the peer check is stuck on the peer.
    for (int i = 0; i < 5; ++i) {
      const auto start = std::chrono::steady_clock::now();
      auto metrics =
          HttpGet("127.0.0.1", port_, "/metrics", "", milliseconds(2000));
      const auto took = std::chrono::steady_clock::now() - start;
      ASSERT_TRUE(metrics && metrics->status == 200);
      EXPECT_LT(took, milliseconds(250));
    }
  }

  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(FakePeerTest, GarbageReplyIsUnknown) {
  FakeHttpServer peer(
      FakeHttpServer::Mode::kReply,
      FakeHttpServer::JsonReply("<html>Welcome to nginx!</html>"));
  StartExporter(peer.url());
  ExpectUnknownWhileStayingResponsive("the peer status is not JSON");
}

TEST_F(FakePeerTest, FiftyMegabyteReplyIsUnknown) {
  FakeHttpServer peer(FakeHttpServer::Mode::kStream, "", 50u << 20);
  StartExporter(peer.url());
  ExpectUnknownWhileStayingResponsive("exceeds 1048576 bytes");
}

TEST_F(FakePeerTest, SilentPeerIsUnknown) {
  FakeHttpServer peer(FakeHttpServer::Mode::kSilent);
  StartExporter(peer.url());
  ExpectUnknownWhileStayingResponsive("no complete reply");
}

TEST_F(FakePeerTest, NonHttpPeerIsUnknown) {
  FakeHttpServer peer(FakeHttpServer::Mode::kReply,
                      "SSH-2.0-OpenSSH_9.2p1\r\n");
  StartExporter(peer.url());
  ExpectUnknownWhileStayingResponsive("not HTTP");
}

}  // namespace
}  // namespace ipv6ha::testing
