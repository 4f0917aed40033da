// mTLS between the pair: fw2 is the real exporter whose web config asks
// every client for a certificate from the pair's CA
// (client_auth_type: RequireAndVerifyClientCert, client_ca_file); fw1 is
// `ipv6_ha_exporter check --json` whose peer.tls carries a client
// certificate and key (peer.tls.cert_file, key_file). With them the peer
// check reads fw2's status; without them, or with a certificate from
// another CA, it is `unknown` with the handshake's reason, never `fail`.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/tls_exporter_test.h"

namespace ipv6ha {
namespace {

using ::ipv6ha::testing::MakeSignedCertificate;
using ::ipv6ha::testing::RunProgram;
using namespace std::chrono_literals;

// fw2 is the fixture's exporter.
class PeerMtlsTest : public ::ipv6ha::testing::TlsExporterTest {
 protected:
  void SetUp() override {
    TlsExporterTest::SetUp();
    if (HasFatalFailure()) return;
    auto cfg = dir_.Write(
        "fw2.yml", "listen: [\"127.0.0.1:" + std::to_string(port_) +
                       "\"]\nnode: {name: fw2}\n"
                       "role: {source: static, static: backup}\n"
                       "web:\n  tls_server_config:\n    cert_file: " +
                       pki_.server_cert + "\n    key_file: " + pki_.server_key +
                       "\n    client_auth_type: RequireAndVerifyClientCert\n"
                       "    client_ca_file: " +
                       pki_.ca + "\n");
    Serve({"--config", cfg});
  }

  // peer_reachability's summary and `check`'s exit code on fw1, whose
  // peer.tls is `tls` (flow mapping body).
  std::string CheckFw1(const std::string& tls, int& exit_code) {
    auto cfg = dir_.Write(
        "fw1.yml",
        "node: {name: fw1}\nrole: {source: static, static: master}\n"
        "peer:\n  api: \"https://127.0.0.1:" +
            std::to_string(port_) + "\"\n  tls: {ca_file: " + pki_.ca + tls +
            "}\nchecks:\n  peer_reachability: {timeout: 2s}\n");
    auto r =
        RunProgram({IPV6HA_BINARY, "check", "--config", cfg, "--json"}, 20s);
    exit_code = r.exit_code;
    auto doc = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << r.out << r.err;
    if (doc.is_discarded()) return "";
    for (const auto& c : doc.value("checks", nlohmann::json::array())) {
      if (c.value("name", "") == "peer_reachability")
        return c.value("summary", "");
    }
    return "(no peer_reachability in the output)";
  }
};

TEST_F(PeerMtlsTest, TheClientCertificateOfPeerTlsIsPresented) {
  int exit_code = -1;
  const std::string summary = CheckFw1(
      ", cert_file: " + pki_.client_cert + ", key_file: " + pki_.client_key,
      exit_code);
  EXPECT_EQ(summary, "peer fw2 reachable, backup, ready");
  EXPECT_EQ(exit_code, 0);
}

TEST_F(PeerMtlsTest, WithoutACertificateThePeerIsUnknownNotFailed) {
  int exit_code = -1;
  const std::string summary = CheckFw1("", exit_code);
  EXPECT_EQ(summary.rfind("peer status unusable: ", 0), 0u) << summary;
  EXPECT_EQ(exit_code, 3) << summary;
}

TEST_F(PeerMtlsTest, ACertificateFromAnotherCaIsRefused) {
  const std::string cert = (dir_.path() / "stranger.pem").string();
  const std::string key = (dir_.path() / "stranger.key").string();
  ASSERT_TRUE(MakeSignedCertificate(dir_, pki_.other_ca, pki_.other_ca_key,
                                    "fw1", "DNS:fw1.test", cert, key));
  int exit_code = -1;
  const std::string summary =
      CheckFw1(", cert_file: " + cert + ", key_file: " + key, exit_code);
  EXPECT_EQ(summary.rfind("peer status unusable: ", 0), 0u) << summary;
  EXPECT_EQ(exit_code, 3) << summary;
}

}  // namespace
}  // namespace ipv6ha
