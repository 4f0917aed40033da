// The peer API over https with basic auth, against the REAL exporter with
// TLS and basic auth enabled (web: section), with a throwaway CA and a
// server certificate for IP:127.0.0.1, IP:::1 and DNS:fw2.test made by the
// openssl CLI at test time:
//   - HttpFetch: right CA → 200; wrong CA, wrong name → the verify error;
//     insecure_skip_verify → 200; wrong password → 401; a listener that
//     never completes the handshake → timeout at the deadline.
//   - `ipv6_ha_exporter check --json` on a second node configured with
//     peer.tls and peer.basic_auth: what the operator sees.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "exporter/platform/http_client.h"
#include "exporter/platform/unique_fd.h"
#include "tests/support/exporter_process.h"

namespace ipv6ha {
namespace {

using ::ipv6ha::testing::ExporterProcess;
using ::ipv6ha::testing::FreePort;
using ::ipv6ha::testing::RunProgram;
using ::ipv6ha::testing::TempDir;
using ::ipv6ha::testing::WaitFor;
using Outcome = HttpFetchResult::Outcome;
using namespace std::chrono_literals;

constexpr char kOpenssl[] = "/usr/bin/openssl";
// bcrypt("secret"), cost 4.
constexpr char kHash[] =
    "$2b$04$NO.6chsCGrE/QErbkxa/te1Th43EFAojEAvkNRS1tpfFa7ztrOq2G";

// A CA, a second unrelated CA, and a server certificate signed by the first.
struct Pki {
  std::string ca, other_ca, cert, key;
};

bool Openssl(std::vector<std::string> args) {
  args.insert(args.begin(), kOpenssl);
  auto r = RunProgram(args);
  if (r.exit_code != 0) ADD_FAILURE() << r.err;
  return r.exit_code == 0;
}

bool MakeCa(const TempDir& dir, const std::string& name, std::string& cert) {
  cert = (dir.path() / (name + ".pem")).string();
  return Openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt",
                  "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                  (dir.path() / (name + ".key")).string(), "-out", cert,
                  "-days", "1", "-subj", "/CN=" + name, "-addext",
                  "basicConstraints=critical,CA:TRUE", "-addext",
                  "keyUsage=critical,keyCertSign"});
}

bool MakePki(const TempDir& dir, Pki& pki) {
  if (!MakeCa(dir, "ca", pki.ca) || !MakeCa(dir, "other-ca", pki.other_ca)) {
    return false;
  }
  pki.key = (dir.path() / "fw2.key").string();
  pki.cert = (dir.path() / "fw2.pem").string();
  const std::string csr = (dir.path() / "fw2.csr").string();
  const std::string ext =
      dir.Write("fw2.ext",
                "subjectAltName=IP:127.0.0.1,IP:::1,DNS:fw2.test\n"
                "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
  return Openssl({"req", "-newkey", "ec", "-pkeyopt",
                  "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", pki.key,
                  "-out", csr, "-subj", "/CN=fw2"}) &&
         Openssl({"x509", "-req", "-in", csr, "-CA", pki.ca, "-CAkey",
                  (dir.path() / "ca.key").string(), "-CAcreateserial", "-out",
                  pki.cert, "-days", "1", "-extfile", ext});
}

std::shared_ptr<const TlsClientContext> Context(const TlsClientConfig& config) {
  auto c = TlsClientContext::Create(config);
  EXPECT_TRUE(c) << c.error().message;
  return c ? *c : nullptr;
}

// fw2: the real exporter with TLS and basic auth, on 127.0.0.1 and ::1.
class PeerApiTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    pki_ = new Pki;
    ASSERT_TRUE(MakePki(*dir_, *pki_));
    port_ = FreePort();
    const std::string p = std::to_string(port_);
    auto cfg = dir_->Write(
        "fw2.yml", "listen: [\"127.0.0.1:" + p + "\", \"[::1]:" + p + "\"]\n" +
                       "node: {name: fw2}\n"
                       "role: {source: static, static: backup}\n"
                       "web:\n  tls_server_config: {cert_file: " +
                       pki_->cert + ", key_file: " + pki_->key +
                       "}\n  basic_auth_users: {fw1: \"" + kHash + "\"}\n");
    fw2_ = new ExporterProcess({"--config", cfg});
    const std::string url = Url("127.0.0.1");
    ASSERT_TRUE(WaitFor(
        [&] {
          return HttpFetch(url, 1s, 1 << 20, Options({.ca_file = pki_->ca}))
                     .status == 200;
        },
        10s))
        << fw2_->Log();
  }
  static void TearDownTestSuite() {
    delete fw2_;
    delete pki_;
    delete dir_;
  }

  static std::string Url(const std::string& host) {
    return "https://" + host + ":" + std::to_string(port_) + "/api/v1/status";
  }
  static HttpFetchOptions Options(const TlsClientConfig& tls,
                                  const std::string& password = "secret") {
    HttpFetchOptions o;
    o.tls = Context(tls);
    o.username = "fw1";
    o.password = password;
    return o;
  }
  static HttpFetchResult Fetch(const std::string& host,
                               const HttpFetchOptions& options) {
    return HttpFetch(Url(host), 3s, 1 << 20, options);
  }

  // fw1: `ipv6_ha_exporter check --json` with `peer` as its peer: section.
  static nlohmann::json CheckFw1(const std::string& peer, int& exit_code) {
    TempDir dir;
    auto cfg =
        dir.Write("fw1.yml",
                  "node: {name: fw1}\n"
                  "role: {source: static, static: master}\n"
                  "peer:\n" +
                      peer + "checks:\n  peer_reachability: {timeout: 2s}\n");
    auto r =
        RunProgram({IPV6HA_BINARY, "check", "--config", cfg, "--json"}, 20s);
    exit_code = r.exit_code;
    auto doc = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << r.out << r.err;
    return doc.is_discarded() ? nlohmann::json::object() : doc;
  }
  static std::string PeerSummary(const nlohmann::json& doc) {
    for (const auto& c : doc.value("checks", nlohmann::json::array())) {
      if (c.value("name", "") == "peer_reachability")
        return c.value("summary", "");
    }
    return "(no peer_reachability in the output)";
  }

  static TempDir* dir_;
  static Pki* pki_;
  static int port_;
  static ExporterProcess* fw2_;
};

TempDir* PeerApiTlsTest::dir_ = nullptr;
Pki* PeerApiTlsTest::pki_ = nullptr;
int PeerApiTlsTest::port_ = 0;
ExporterProcess* PeerApiTlsTest::fw2_ = nullptr;

TEST_F(PeerApiTlsTest, RightCaAndPasswordReadTheStatus) {
  auto r = Fetch("127.0.0.1", Options({.ca_file = pki_->ca}));
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"fw2\""), std::string::npos) << r.body;
}

TEST_F(PeerApiTlsTest, Ipv6LiteralIsCheckedAgainstTheIpSan) {
  auto r = Fetch("[::1]", Options({.ca_file = pki_->ca}));
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.error;
  EXPECT_EQ(r.status, 200);
}

TEST_F(PeerApiTlsTest, ServerNameReplacesTheUrlHost) {
  auto good = Fetch("127.0.0.1",
                    Options({.ca_file = pki_->ca, .server_name = "fw2.test"}));
  EXPECT_EQ(good.outcome, Outcome::kOk) << good.error;
  auto bad = Fetch("127.0.0.1",
                   Options({.ca_file = pki_->ca, .server_name = "fw9.test"}));
  EXPECT_EQ(bad.outcome, Outcome::kTlsFailed);
  EXPECT_NE(bad.error.find("certificate verify failed: hostname mismatch"),
            std::string::npos)
      << bad.error;
  EXPECT_NE(bad.error.find("does not name \"fw9.test\""), std::string::npos)
      << bad.error;
}

TEST_F(PeerApiTlsTest, WrongCaFailsNamingTheVerifyError) {
  auto r = Fetch("127.0.0.1", Options({.ca_file = pki_->other_ca}));
  EXPECT_EQ(r.outcome, Outcome::kTlsFailed);
  EXPECT_NE(r.error.find("TLS handshake with " + Url("127.0.0.1") +
                         " failed: certificate verify failed: unable to get "
                         "local issuer certificate"),
            std::string::npos)
      << r.error;
}

TEST_F(PeerApiTlsTest, InsecureSkipVerifyAcceptsTheCertificate) {
  auto r = Fetch("127.0.0.1", Options({.insecure_skip_verify = true}));
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.error;
  EXPECT_EQ(r.status, 200);
}

TEST_F(PeerApiTlsTest, WrongPasswordGets401) {
  auto r = Fetch("127.0.0.1", Options({.ca_file = pki_->ca}, "wrong"));
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.error;
  EXPECT_EQ(r.status, 401);
}

TEST_F(PeerApiTlsTest, CheckCommandReadsThePeerOverHttpsWithBasicAuth) {
  const std::string pass = dir_->Write("fw1-to-fw2.pass", "secret\n");
  int exit_code = -1;
  auto doc = CheckFw1(
      "  api: \"" + Url("[::1]").substr(0, Url("[::1]").find("/api")) +
          "\"\n  tls: {ca_file: " + pki_->ca +
          "}\n  basic_auth: {username: fw1, password_file: " + pass + "}\n",
      exit_code);
  EXPECT_EQ(PeerSummary(doc), "peer fw2 reachable, backup, ready");
  EXPECT_EQ(exit_code, 0) << doc.dump();
}

TEST_F(PeerApiTlsTest, CheckCommandReportsRejectedCredentials) {
  const std::string pass = dir_->Write("wrong.pass", "wrong\n");
  int exit_code = -1;
  auto doc = CheckFw1(
      "  api: \"https://127.0.0.1:" + std::to_string(port_) +
          "\"\n  tls: {ca_file: " + pki_->ca +
          "}\n  basic_auth: {username: fw1, password_file: " + pass + "}\n",
      exit_code);
  EXPECT_EQ(PeerSummary(doc),
            "peer status unusable: peer rejected our credentials (401)");
  EXPECT_EQ(exit_code, 3) << "unknown, not fail";
}

TEST_F(PeerApiTlsTest, CheckCommandNamesTheVerifyErrorOfAnUntrustedPeer) {
  int exit_code = -1;
  auto doc = CheckFw1("  api: \"https://127.0.0.1:" + std::to_string(port_) +
                          "\"\n  tls: {ca_file: " + pki_->other_ca + "}\n",
                      exit_code);
  const std::string summary = PeerSummary(doc);
  EXPECT_EQ(summary.rfind("peer status unusable: TLS handshake with ", 0), 0u)
      << summary;
  EXPECT_NE(summary.find("certificate verify failed: unable to get local "
                         "issuer certificate"),
            std::string::npos)
      << summary;
  EXPECT_EQ(exit_code, 3);
}

// A listening socket that never accepts nor answers: the kernel completes
// the TCP handshake from the backlog, the TLS handshake never comes.
class SilentListener {
 public:
  SilentListener() : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    bind(fd_.get(), reinterpret_cast<sockaddr*>(&a), len);
    listen(fd_.get(), 8);
    getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  int port() const { return port_; }

 private:
  UniqueFd fd_;
  int port_ = 0;
};

TEST(PeerApiTlsTimeoutTest, HandshakeThatNeverCompletesEndsAtTheDeadline) {
  SilentListener silent;
  HttpFetchOptions options;
  options.tls = Context({.insecure_skip_verify = true});
  const auto start = std::chrono::steady_clock::now();
  auto r = HttpFetch(
      "https://127.0.0.1:" + std::to_string(silent.port()) + "/api/v1/status",
      300ms, 1 << 20, options);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.outcome, Outcome::kTimeout);
  EXPECT_NE(r.error.find("no TLS handshake with https://127.0.0.1:"),
            std::string::npos)
      << r.error;
  EXPECT_NE(r.error.find("within 300ms"), std::string::npos) << r.error;
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 800ms);
}

TEST(PeerApiTlsTimeoutTest, PlainHttpPeerBehindAnHttpsUrlIsATlsFailure) {
  // An exporter without TLS answers a ClientHello with an HTTP error or
  // closes: either way, a TLS failure and no hang.
  TempDir dir;
  const int port = FreePort();
  auto cfg = dir.Write("c.yml", "listen: [\"127.0.0.1:" + std::to_string(port) +
                                    "\"]\nnode: {name: plain}\n");
  ExporterProcess plain({"--config", cfg});
  ASSERT_TRUE(plain.WaitReady(port)) << plain.Log();
  HttpFetchOptions options;
  options.tls = Context({.insecure_skip_verify = true});
  auto r = HttpFetch("https://127.0.0.1:" + std::to_string(port), 2s, 1 << 20,
                     options);
  EXPECT_EQ(r.outcome, Outcome::kTlsFailed) << r.error;
  EXPECT_NE(r.error.find("TLS handshake with"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace ipv6ha
