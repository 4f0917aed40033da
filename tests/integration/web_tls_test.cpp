// The real binary with --web.config.file, probed with the real openssl
// s_client and curl:
//   - min_version TLS12 refuses TLS 1.0 and 1.1 (which min_version TLS10
//     accepts from the same client), max_version TLS12 refuses TLS 1.3;
//   - the defaults offer no SHA-1 CBC suite;
//   - RequireAndVerifyClientCert refuses a client without a certificate or
//     with one from another CA, client_allowed_sans one with another name;
//   - a certificate rotated in place is served without a restart, a bad
//     new one keeps the old one served; a changed web config file and a
//     SIGHUP are picked up; configured headers are sent.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/tls_exporter_test.h"

namespace ipv6ha {
namespace {

using ::ipv6ha::testing::ExporterProcess;
using ::ipv6ha::testing::FreePort;
using ::ipv6ha::testing::MakeSignedCertificate;
using ::ipv6ha::testing::RunProgram;
using ::ipv6ha::testing::ServedSubject;
using ::ipv6ha::testing::WaitFor;
using namespace std::chrono_literals;

constexpr char kHash[] =
    "$2b$04$NO.6chsCGrE/QErbkxa/te1Th43EFAojEAvkNRS1tpfFa7ztrOq2G";  // secret

class WebTlsTest : public ::ipv6ha::testing::TlsExporterTest {
 protected:
  // Starts the exporter with `tls` (more tls_server_config lines) and
  // `rest` (more web config).
  void Start(const std::string& tls, const std::string& rest = "") {
    port_ = FreePort();
    web_ = dir_.Write("web.yml", WebConfig(tls, rest));
    cfg_ = dir_.Write("c.yml", "listen: [\"127.0.0.1:" + std::to_string(port_) +
                                   "\"]\nnode: {name: tls}\n"
                                   "role: {source: static, static: master}\n");
    Serve({"--config", cfg_, "--web.config.file", web_});
  }
  std::string WebConfig(const std::string& tls, const std::string& rest) {
    return "tls_server_config:\n  cert_file: " + pki_.server_cert +
           "\n  key_file: " + pki_.server_key + "\n" + tls + rest;
  }

  // True when `openssl s_client` with `args` completes a handshake.
  bool Handshake(std::vector<std::string> args) {
    std::string cmd = "/usr/bin/openssl s_client -brief -connect 127.0.0.1:" +
                      std::to_string(port_);
    for (const auto& a : args) cmd += " " + a;
    return RunProgram({"/bin/sh", "-c", cmd + " </dev/null"}, 10s).exit_code ==
           0;
  }

  // curl's HTTP code for GET path ("000": no HTTP answer).
  std::string Curl(std::vector<std::string> extra,
                   const std::string& path = "/metrics") {
    std::vector<std::string> argv = {
        "/usr/bin/curl", "-s",         "-o", "/dev/null", "-w",
        "%{http_code}",  "--max-time", "5",  "--cacert",  pki_.ca};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("https://127.0.0.1:" + std::to_string(port_) + path);
    return RunProgram(argv, 10s).out;
  }

  std::string web_, cfg_;
};

// The client allows old versions itself (security level 0), so only the
// server's min_version can refuse them.
const std::string kOldClient = "-cipher DEFAULT@SECLEVEL=0";

TEST_F(WebTlsTest, MinVersionTls12RefusesTls10And11) {
  Start("  min_version: TLS12\n");
  EXPECT_FALSE(Handshake({"-tls1", kOldClient}));
  EXPECT_FALSE(Handshake({"-tls1_1", kOldClient}));
  EXPECT_TRUE(Handshake({"-tls1_2"}));
  EXPECT_TRUE(Handshake({"-tls1_3"}));
}

// TLS 1.0 and 1.1 know no AEAD suite: the operator who allows them lists
// CBC suites (the defaults have none).
TEST_F(WebTlsTest, MinVersionTls10IsHonoured) {
  Start(
      "  min_version: TLS10\n  cipher_suites: "
      "[TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA]\n");
  EXPECT_TRUE(Handshake({"-tls1_1", kOldClient}));
}

TEST_F(WebTlsTest, MaxVersionTls12RefusesTls13) {
  Start("  max_version: TLS12\n");
  EXPECT_FALSE(Handshake({"-tls1_3"}));
  EXPECT_TRUE(Handshake({"-tls1_2"}));
}

TEST_F(WebTlsTest, DefaultsOfferNoSha1CbcSuite) {
  Start("");
  EXPECT_FALSE(Handshake({"-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"}));
  EXPECT_FALSE(Handshake({"-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-SHA"}));
  EXPECT_TRUE(
      Handshake({"-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"}));
  EXPECT_EQ(Curl({}), "200");
}

TEST_F(WebTlsTest, CipherSuitesAndCurvesAreHonoured) {
  Start(
      "  max_version: TLS12\n  cipher_suites: "
      "[TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]\n"
      "  curve_preferences: [CurveP384]\n");
  EXPECT_FALSE(Handshake({"-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"}));
  EXPECT_TRUE(Handshake({"-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384"}));
  // P-256 stays offered: in TLS 1.2 it also names the certificate's curve.
  EXPECT_FALSE(Handshake({"-curves", "X25519:P-256"}));
  EXPECT_TRUE(Handshake({"-curves", "P-384:P-256"}));
}

TEST_F(WebTlsTest, RequireAndVerifyClientCertRefusesAClientWithoutOne) {
  Start("  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: " +
        pki_.ca + "\n");
  EXPECT_EQ(Curl({}), "000");
  EXPECT_EQ(Curl({"--cert", pki_.client_cert, "--key", pki_.client_key}),
            "200");
  // A certificate from another CA.
  const std::string cert = (dir_.path() / "stranger.pem").string();
  const std::string key = (dir_.path() / "stranger.key").string();
  ASSERT_TRUE(MakeSignedCertificate(dir_, pki_.other_ca, pki_.other_ca_key,
                                    "stranger", "DNS:prometheus.test", cert,
                                    key));
  EXPECT_EQ(Curl({"--cert", cert, "--key", key}), "000");
}

TEST_F(WebTlsTest, ClientAllowedSansRefusesAnotherName) {
  Start("  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: " +
        pki_.ca + "\n  client_allowed_sans: [grafana.test]\n");
  EXPECT_EQ(Curl({"--cert", pki_.client_cert, "--key", pki_.client_key}),
            "000");
  const std::string cert = (dir_.path() / "grafana.pem").string();
  const std::string key = (dir_.path() / "grafana.key").string();
  ASSERT_TRUE(MakeSignedCertificate(dir_, pki_.ca, pki_.ca_key, "grafana",
                                    "DNS:grafana.test", cert, key));
  EXPECT_EQ(Curl({"--cert", cert, "--key", key}), "200");
}

TEST_F(WebTlsTest, RotationInPlaceIsServedWithoutRestartAndABadOneIsRefused) {
  Start("");
  const pid_t pid = exporter_->pid();
  EXPECT_NE(ServedSubject(port_).find("CN = server"), std::string::npos);
  ASSERT_TRUE(MakeSignedCertificate(dir_, pki_.ca, pki_.ca_key, "rotated",
                                    "IP:127.0.0.1", pki_.server_cert,
                                    pki_.server_key));
  EXPECT_TRUE(WaitFor(
      [&] {
        return ServedSubject(port_).find("CN = rotated") != std::string::npos;
      },
      10s))
      << exporter_->Log();
  // Garbage over the certificate: the rotated one stays.
  dir_.Write("tls-server.pem", "not a certificate\n");
  EXPECT_TRUE(WaitFor(
      [&] {
        return exporter_->Log().find("web configuration reload failed") !=
               std::string::npos;
      },
      10s))
      << exporter_->Log();
  EXPECT_NE(ServedSubject(port_).find("CN = rotated"), std::string::npos);
  EXPECT_EQ(Curl({}), "200");
  EXPECT_TRUE(exporter_->Running());
  EXPECT_EQ(exporter_->pid(), pid);
}

TEST_F(WebTlsTest, AChangedWebConfigFileIsPickedUp) {
  Start("");
  EXPECT_EQ(Curl({}), "200");
  dir_.Write("web.yml", WebConfig("", "basic_auth_users:\n  prometheus: \"" +
                                          std::string(kHash) + "\"\n"));
  EXPECT_TRUE(WaitFor([&] { return Curl({}) == "401"; }, 10s))
      << exporter_->Log();
  EXPECT_EQ(Curl({"-u", "prometheus:secret"}), "200");
}

TEST_F(WebTlsTest, HeadersAndExcludedPathsApply) {
  Start("",
        "http_server_config:\n  http2: true\n  headers:\n"
        "    Strict-Transport-Security: max-age=31536000\n"
        "    X-Frame-Options: sameorigin\n"
        "basic_auth_users:\n  prometheus: \"" +
            std::string(kHash) +
            "\"\nbasic_auth_excluded_paths: [/-/healthy]\n");
  auto r = RunProgram(
      {"/usr/bin/curl", "-s", "-i", "--max-time", "5", "--cacert", pki_.ca,
       "https://127.0.0.1:" + std::to_string(port_) + "/-/healthy"},
      10s);
  EXPECT_EQ(r.out.rfind("HTTP/1.1 200", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("Strict-Transport-Security: max-age=31536000\r\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("X-Frame-Options: sameorigin\r\n"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("X-Frame-Options: DENY"), std::string::npos) << r.out;
  EXPECT_EQ(Curl({}, "/metrics"), "401");
}

// The config's own web: block is re-read by SIGHUP.
TEST_F(WebTlsTest, SighupRereadsTheConfigsWebBlock) {
  port_ = FreePort();
  auto config = [&](const std::string& users) {
    return "listen: [\"127.0.0.1:" + std::to_string(port_) +
           "\"]\nnode: {name: tls}\nrole: {source: static, static: master}\n"
           "web:\n  tls_server_config: {cert_file: " +
           pki_.server_cert + ", key_file: " + pki_.server_key + "}\n" + users;
  };
  cfg_ = dir_.Write("c.yml", config(""));
  exporter_ = std::make_unique<ExporterProcess>(
      std::vector<std::string>{"--config", cfg_});
  ASSERT_TRUE(WaitFor([&] { return Curl({}) == "200"; }, 10s))
      << exporter_->Log();
  dir_.Write("c.yml", config("  basic_auth_users: {prometheus: \"" +
                             std::string(kHash) + "\"}\n"));
  exporter_->Signal(SIGHUP);
  EXPECT_TRUE(WaitFor([&] { return Curl({}) == "401"; }, 10s))
      << exporter_->Log();
}

}  // namespace
}  // namespace ipv6ha
