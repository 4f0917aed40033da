#include "checks/peer_reachability_check.h"

#include <gtest/gtest.h>

#include "exporter/config/config.h"

namespace ipv6ha {
namespace {

using Outcome = HttpFetchResult::Outcome;
using std::chrono::microseconds;

const ProbeOutcome kAnswered{ProbeResult::kSuccess, microseconds(300), ""};
const ProbeOutcome kLost{ProbeResult::kFailure, {}, "timeout after 800ms"};

HttpFetchResult Fetch(Outcome outcome, int status = 200,
                      std::string error = "") {
  HttpFetchResult r;
  r.outcome = outcome;
  r.status = status;
  r.error = std::move(error);
  return r;
}

const Expected<NodeStatus> kGoodStatus =
    ParsePeerStatus(R"({"node":"fw2","role":"backup","ready":true})");
const Expected<NodeStatus> kBadStatus = ParsePeerStatus("<html>");

TEST(PeerReachabilityTest, ReachablePeerWithStatusIsOk) {
  auto r = EvaluatePeer(kAnswered, Fetch(Outcome::kOk), &kGoodStatus);
  EXPECT_EQ(r.status, CheckStatus::kOk);
  EXPECT_EQ(r.summary, "peer fw2 reachable (rtt 0.30ms), backup, ready");
}

TEST(PeerReachabilityTest, SilentAddressFails) {
  auto r = EvaluatePeer(kLost, Fetch(Outcome::kConnectFailed), nullptr);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.summary, "peer unreachable: timeout after 800ms");
}

TEST(PeerReachabilityTest, RefusedApiFailsEvenWhenTheHostAnswers) {
  auto r = EvaluatePeer(kAnswered,
                        Fetch(Outcome::kConnectFailed, 0, "connection refused"),
                        nullptr);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_NE(r.summary.find("API is unreachable: connection refused"),
            std::string::npos);
}

struct UnknownCase {
  HttpFetchResult fetch;
  const Expected<NodeStatus>* status;
  const char* reason;
};

class PeerReachabilityUnknown : public ::testing::TestWithParam<UnknownCase> {};

TEST_P(PeerReachabilityUnknown, ForUnusableReplies) {
  auto r = EvaluatePeer(kAnswered, GetParam().fetch, GetParam().status);
  EXPECT_EQ(r.status, CheckStatus::kUnknown);
  EXPECT_NE(r.summary.find(GetParam().reason), std::string::npos) << r.summary;
}

INSTANTIATE_TEST_SUITE_P(
    Table, PeerReachabilityUnknown,
    ::testing::Values(
        UnknownCase{Fetch(Outcome::kTimeout, 0, "no complete reply"), nullptr,
                    "no complete reply"},
        UnknownCase{Fetch(Outcome::kTooLarge, 0, "exceeds 1048576 bytes"),
                    nullptr, "exceeds"},
        UnknownCase{Fetch(Outcome::kBadReply, 0, "the reply is not HTTP"),
                    nullptr, "not HTTP"},
        UnknownCase{Fetch(Outcome::kOk, 500), nullptr, "HTTP 500"},
        UnknownCase{Fetch(Outcome::kOk, 401), nullptr,
                    "peer requires credentials (401); set peer.basic_auth"},
        UnknownCase{Fetch(Outcome::kTlsFailed, 0,
                          "TLS handshake with https://[fd00::2]:9646 failed: "
                          "certificate verify failed: self-signed certificate"),
                    nullptr, "certificate verify failed: self-signed"},
        UnknownCase{Fetch(Outcome::kOk, 200), &kBadStatus, "not JSON"}));

TEST(PeerReachabilityTest, RejectedCredentialsAreUnknownWithAReason) {
  auto r = EvaluatePeer(kAnswered, Fetch(Outcome::kOk, 401), nullptr,
                        /*sent_credentials=*/true);
  EXPECT_EQ(r.status, CheckStatus::kUnknown);
  EXPECT_EQ(r.summary,
            "peer status unusable: peer rejected our credentials (401)");
}

TEST(PeerReachabilityTest, ProbeErrorIsUnknown) {
  auto r =
      EvaluatePeer(ProbeOutcome{ProbeResult::kError, {}, "permission denied"},
                   std::nullopt, nullptr);
  EXPECT_EQ(r.status, CheckStatus::kUnknown);
}

TEST(PeerReachabilityTest, AddressOnlyIsOkWhenItAnswers) {
  EXPECT_EQ(EvaluatePeer(kAnswered, std::nullopt, nullptr).status,
            CheckStatus::kOk);
}

TEST(PeerReachabilityConfigTest, DefaultsComeFromTheTopLevelPeerSection) {
  auto c = LoadConfigFromString(R"(
peer: {address: "::1", api: "http://127.0.0.1:9646", timeout: 300ms}
checks:
  peer_reachability: {interval: 1s}
)",
                                "test.yml", CheckEnv{});
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->checks.size(), 1u);
  EXPECT_EQ(c->checks[0].settings.scope, Scope::kLocal);
}

TEST(PeerReachabilityConfigTest, NeedsAnAddressOrAnApi) {
  auto c = LoadConfigFromString("checks: {peer_reachability: {}}", "test.yml",
                                CheckEnv{});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("needs peer.address or peer.api"),
            std::string::npos)
      << c.error().message;
}

TEST(PeerReachabilityConfigTest, AcceptsAnHttpsApiOfItsOwn) {
  auto c = LoadConfigFromString(
      "checks: {peer_reachability: {api: 'https://[::1]:9646'}}", "test.yml",
      CheckEnv{});
  EXPECT_TRUE(c.ok()) << c.error().message;
}

TEST(PeerReachabilityConfigTest, RejectsOtherSchemes) {
  auto c = LoadConfigFromString(
      "checks: {peer_reachability: {api: 'ftp://[::1]:9646'}}", "test.yml",
      CheckEnv{});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("must be an http:// or https:// URL"),
            std::string::npos)
      << c.error().message;
}

// The issue's refusals: an IPv4 sync link, as 127.0.0.1 and as the
// backup_node_ip of the opnsense-ha example checkset-nptv6.yml.
TEST(PeerReachabilityConfigTest, AcceptsIpv4AddressesAndApis) {
  for (const char* address : {"127.0.0.1", "192.168.105.2", "localhost"}) {
    auto c = LoadConfigFromString(std::string(R"(
peer: {address: ")") + address + R"(", api: "http://192.168.105.2:9646"}
checks:
  peer_reachability: {interval: 1s, source: ""}
)",
                                  "test.yml", CheckEnv{});
    EXPECT_TRUE(c.ok()) << address << ": " << c.error().message;
  }
}

TEST(PeerReachabilityConfigTest, RefusesANameThatDoesNotResolve) {
  auto c = LoadConfigFromString(
      "checks: {peer_reachability: {address: 'no-such-peer.invalid'}}",
      "test.yml", CheckEnv{});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find(
                "address \"no-such-peer.invalid\" is not an IPv4 or IPv6 "
                "address or resolvable name"),
            std::string::npos)
      << c.error().message;
}

TEST(PeerReachabilityConfigTest, RefusesASourceOfTheOtherFamily) {
  auto c = LoadConfigFromString(R"(
checks:
  peer_reachability: {address: "192.168.105.2", source: "fd00::1"}
)",
                                "test.yml", CheckEnv{});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find(
                "test.yml:3:57: checks.peer_reachability.source \"fd00::1\" "
                "is an IPv6 address, but the peer's address \"192.168.105.2\" "
                "is IPv4"),
            std::string::npos)
      << c.error().message;
}

TEST(PeerReachabilityConfigTest, MethodApiNeedsAnApi) {
  auto ok = LoadConfigFromString(R"(
peer: {address: "192.168.105.2", api: "http://192.168.105.2:9646"}
checks:
  peer_reachability: {method: api}
)",
                                 "test.yml", CheckEnv{});
  EXPECT_TRUE(ok.ok()) << ok.error().message;
  auto bad = LoadConfigFromString(
      "checks: {peer_reachability: {address: '192.168.105.2', method: api}}",
      "test.yml", CheckEnv{});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("method api needs peer.api"),
            std::string::npos)
      << bad.error().message;
}

// With method api no probe is sent: the API alone says the peer is there.
TEST(PeerReachabilityTest, MethodApiSendsNoProbe) {
  auto loaded = LoadConfigFromString(R"(
peer: {address: "192.0.2.99", api: "http://127.0.0.1:1"}
checks:
  peer_reachability: {method: api, interval: 1s, timeout: 300ms}
)",
                                     "test.yml", CheckEnv{});
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  auto result = loaded->checks[0].create()->Run(
      {Role::kMaster,
       std::chrono::steady_clock::now() + std::chrono::milliseconds(300)});
  EXPECT_EQ(result.status, CheckStatus::kFail);
  // The API's refusal, not an unanswered probe of 192.0.2.99.
  EXPECT_EQ(result.summary.rfind("peer API is unreachable: ", 0), 0u)
      << result.summary;
}

}  // namespace
}  // namespace ipv6ha
