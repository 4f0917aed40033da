// Security properties of the HTTP endpoints, against the real binary on
// 127.0.0.1: basic auth (wrong password, missing or malformed header, unknown
// user costs what a wrong password costs), TLS with a certificate made by the
// openssl CLI at test time, and no endpoint that accepts a state-changing
// method.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/exporter_process.h"

namespace ipv6ha {
namespace {

using ::ipv6ha::testing::ExporterProcess;
using ::ipv6ha::testing::FreePort;
using ::ipv6ha::testing::HttpGet;
using ::ipv6ha::testing::RunProgram;
using ::ipv6ha::testing::TempDir;
using ::ipv6ha::testing::WaitFor;
using namespace std::chrono_literals;

// bcrypt("secret"), cost 4 (fast) and cost 12 (slower than the cost 10 of a
// typical htpasswd -B hash, to show that an unknown user is not cheaper).
constexpr char kCheapHash[] =
    "$2b$04$NO.6chsCGrE/QErbkxa/te1Th43EFAojEAvkNRS1tpfFa7ztrOq2G";
constexpr char kCostlyHash[] =
    "$2b$12$xumqdkfGhQownvkdC99eF.eA/dSO6MaqCec2nNX4BpLa39tL9q462";
// base64 of "prometheus:secret", "prometheus:wrong", "nobody:secret".
constexpr char kRight[] = "Basic cHJvbWV0aGV1czpzZWNyZXQ=";
constexpr char kWrongPassword[] = "Basic cHJvbWV0aGV1czp3cm9uZw==";
constexpr char kUnknownUser[] = "Basic bm9ib2R5OnNlY3JldA==";

const char* const kEndpoints[] = {"/metrics", "/", "/api/v1/status",
                                  "/-/healthy", "/-/ready"};

std::string Config(int port, const std::string& web) {
  return "listen: [\"127.0.0.1:" + std::to_string(port) +
         "\"]\n"
         "node: {name: sec}\n"
         "role: {source: static, static: master}\n" +
         web;
}

class AuthTest : public ::testing::Test {
 protected:
  void StartWith(const char* hash) {
    port_ = FreePort();
    auto cfg = dir_.Write(
        "c.yml", Config(port_, std::string("web:\n  basic_auth_users:\n"
                                           "    prometheus: \"") +
                                   hash + "\"\n"));
    exporter_ = std::make_unique<ExporterProcess>(
        std::vector<std::string>{"--config", cfg});
    ASSERT_TRUE(WaitFor(
        [&] {
          auto r = HttpGet("127.0.0.1", port_, "/-/healthy", "", 1s);
          return r && r->status == 401;
        },
        10s))
        << exporter_->Log();
  }
  // bcrypt at cost 12 on a busy 2-core CI machine may take seconds.
  int Status(const std::string& path, const std::string& auth) {
    auto r = HttpGet("127.0.0.1", port_, path, auth, 30s);
    return r ? r->status : -1;
  }

  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(AuthTest, EveryEndpointRejectsAMissingHeaderWith401AndAChallenge) {
  StartWith(kCheapHash);
  for (const char* path : kEndpoints) {
    auto r = HttpGet("127.0.0.1", port_, path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 401) << path;
    EXPECT_NE(r->headers.find("WWW-Authenticate: Basic"), std::string::npos)
        << path;
    EXPECT_EQ(r->body.find("ipv6_ha_"), std::string::npos)
        << path << " leaked data";
  }
}

TEST_F(AuthTest, WrongPasswordUnknownUserAndMalformedHeadersGet401) {
  StartWith(kCheapHash);
  for (const char* path : kEndpoints) {
    EXPECT_EQ(Status(path, kWrongPassword), 401) << path;
    EXPECT_EQ(Status(path, kUnknownUser), 401) << path;
  }
  for (const std::string bad :
       {"Basic", "Basic ", "Basic !!!!",
        "Basic cHJvbWV0aGV1cw==" /* no colon */,
        "Bearer cHJvbWV0aGV1czpzZWNyZXQ=", "basic cHJvbWV0aGV1czpzZWNyZXQ=",
        "Basic cHJvbWV0aGV1czpzZWNyZXQ", "Basic cHJvbWV0aGV1czpzZWNyZXQ=="}) {
    EXPECT_EQ(Status("/metrics", bad), 401) << bad;
  }
}

TEST_F(AuthTest, RightPasswordGets200OnEveryEndpoint) {
  StartWith(kCheapHash);
  for (const char* path : kEndpoints) {
    EXPECT_EQ(Status(path, kRight), 200) << path;
  }
  auto r = HttpGet("127.0.0.1", port_, "/metrics", kRight);
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find("ipv6_ha_http_requests_total{code=\"401\""),
            std::string::npos)
      << "rejected requests are counted";
}

}  // namespace

// Timing: with a cost-12 hash configured, a wrong password costs one cost-12
// bcrypt. An unknown user must cost the same (it is verified against a hash
// of the same cost), or an attacker could enumerate user names by timing.
class AuthTimingTest : public AuthTest {
 public:
  int HelperStatus(const std::string& path, const std::string& auth) {
    return Status(path, auth);
  }
};

namespace {

TEST_F(AuthTimingTest, UnknownUserCostsAsMuchAsAWrongPassword) {
  StartWith(kCostlyHash);
  // Interleave to share the noise of a busy machine between both series.
  std::vector<double> wrong, unknown;
  for (int i = 0; i < 3; ++i) {
    for (auto* series : {&wrong, &unknown}) {
      const auto start = std::chrono::steady_clock::now();
      EXPECT_EQ(HelperStatus("/metrics",
                             series == &wrong ? kWrongPassword : kUnknownUser),
                401);
      series->push_back(std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - start)
                            .count());
    }
  }
  std::sort(wrong.begin(), wrong.end());
  std::sort(unknown.begin(), unknown.end());
  const double w = wrong[1], u = unknown[1];
  RecordProperty("wrong_password_median_ms", std::to_string(w));
  RecordProperty("unknown_user_median_ms", std::to_string(u));
  EXPECT_GT(w, 20.0) << "a cost-12 bcrypt takes far longer than 20 ms";
  EXPECT_GT(u / w, 0.5) << "unknown user " << u << " ms vs wrong password " << w
                        << " ms";
  EXPECT_LT(u / w, 2.0) << "unknown user " << u << " ms vs wrong password " << w
                        << " ms";
}

// TLS: a self-signed certificate for 127.0.0.1 made with the openssl CLI.
class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = (dir_.path() / "cert.pem").string();
    key_ = (dir_.path() / "key.pem").string();
    auto made =
        RunProgram({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec",
                    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key_, "-out", cert_, "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    port_ = FreePort();
    auto cfg = dir_.Write(
        "c.yml", Config(port_, "web:\n  tls_server_config: {cert_file: " +
                                   cert_ + ", key_file: " + key_ +
                                   "}\n  basic_auth_users:\n"
                                   "    prometheus: \"" +
                                   kCheapHash + "\"\n"));
    exporter_ = std::make_unique<ExporterProcess>(
        std::vector<std::string>{"--config", cfg});
    ASSERT_TRUE(WaitFor(
        [&] {
          return Curl({"-u", "prometheus:secret"}, "/-/healthy") == "200";
        },
        10s))
        << exporter_->Log();
  }
  // Returns curl's HTTP code ("000" when no HTTP response came back).
  std::string Curl(std::vector<std::string> extra, const std::string& path,
                   const std::string& scheme = "https") {
    std::vector<std::string> argv = {
        "/usr/bin/curl", "-s",         "-o", "/dev/null", "-w",
        "%{http_code}",  "--max-time", "5",  "--cacert",  cert_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(scheme + "://127.0.0.1:" + std::to_string(port_) + path);
    return RunProgram(argv, 10s).out;
  }

  TempDir dir_;
  std::string cert_, key_;
  int port_ = 0;
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(TlsTest, HttpsWithTheRightCaAndPasswordGets200) {
  EXPECT_EQ(Curl({"-u", "prometheus:secret"}, "/metrics"), "200");
  EXPECT_EQ(Curl({"-u", "prometheus:wrong"}, "/metrics"), "401");
  EXPECT_EQ(Curl({}, "/metrics"), "401");
}

TEST_F(TlsTest, HttpsWithoutTrustingTheCertificateFails) {
  auto r =
      RunProgram({"/usr/bin/curl", "-s", "-o", "/dev/null", "-w",
                  "%{http_code}", "--max-time", "5", "-u", "prometheus:secret",
                  "https://127.0.0.1:" + std::to_string(port_) + "/metrics"},
                 10s);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out, "000");
}

TEST_F(TlsTest, PlainHttpToTheTlsPortGetsNoHttpAnswer) {
  auto r = HttpGet("127.0.0.1", port_, "/metrics", kRight, 3s);
  EXPECT_FALSE(r && r->status == 200)
      << "plain HTTP was served on the TLS port";
  EXPECT_EQ(Curl({"-u", "prometheus:secret"}, "/metrics", "http"), "000");
}

TEST_F(TlsTest, OldProtocolVersionsAreRefused) {
  EXPECT_EQ(Curl({"-u", "prometheus:secret", "--tlsv1.1", "--tls-max", "1.1"},
                 "/metrics"),
            "000");
  EXPECT_EQ(Curl({"-u", "prometheus:secret", "--tlsv1.2", "--tls-max", "1.2"},
                 "/metrics"),
            "200");
}

// An exporter without auth or TLS.
class ReadOnlyEndpointsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port = FreePort();
    exporter = std::make_unique<ExporterProcess>(std::vector<std::string>{
        "--config", dir.Write("c.yml", Config(port, ""))});
    ASSERT_TRUE(exporter->WaitReady(port)) << exporter->Log();
  }
  TempDir dir;
  int port = 0;
  std::unique_ptr<ExporterProcess> exporter;
};

// No endpoint changes state: anything but GET/HEAD is refused everywhere.
TEST_F(ReadOnlyEndpointsTest, StateChangingMethodsAreRefusedOnEveryEndpoint) {
  for (const char* path : kEndpoints) {
    for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
      auto r =
          RunProgram({"/usr/bin/curl", "-s", "-o", "/dev/null", "-w",
                      "%{http_code}", "--max-time", "5", "-X", method, "--data",
                      "x=1", "http://127.0.0.1:" + std::to_string(port) + path},
                     10s);
      ASSERT_EQ(r.out.size(), 3u) << method << " " << path;
      EXPECT_NE(r.out[0], '2')
          << method << " " << path << " answered " << r.out;
    }
  }
  EXPECT_TRUE(exporter->Running());
}

// HEAD answers with GET's head and no body; any other method gets 405 and
// the methods that are allowed.
TEST_F(ReadOnlyEndpointsTest,
       HeadGetsTheHeadAloneAndOtherMethodsGet405WithAllow) {
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  for (const char* path : kEndpoints) {
    // A raw HTTP/1.0 exchange read to the end of the stream: curl -I would
    // not read a body the server wrongly sent.
    auto head =
        RunProgram({"/bin/bash", "-c",
                    "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port) +
                        " && printf 'HEAD " + path +
                        " HTTP/1.0\\r\\n\\r\\n' >&3 && timeout 5 cat <&3"},
                   10s);
    EXPECT_EQ(head.out.rfind("HTTP/1.1 200", 0), 0u)
        << path << ": " << head.out;
    EXPECT_NE(head.out.find("Content-Length: "), std::string::npos) << path;
    // Everything after the head's blank line would be a body.
    auto end = head.out.find("\r\n\r\n");
    ASSERT_NE(end, std::string::npos) << path;
    EXPECT_EQ(end + 4, head.out.size()) << path << " sent a body to HEAD";
  }
  auto post = RunProgram({"/usr/bin/curl", "-s", "-i", "--max-time", "5", "-X",
                          "POST", "--data", "x=1", base + "/metrics"},
                         10s);
  EXPECT_EQ(post.out.rfind("HTTP/1.1 405", 0), 0u) << post.out;
  EXPECT_NE(post.out.find("Allow: GET, HEAD"), std::string::npos) << post.out;
  EXPECT_TRUE(exporter->Running());
}

}  // namespace
}  // namespace ipv6ha
