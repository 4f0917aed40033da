// Web config files in exporter-toolkit's documented shapes
// (tests/fixtures/web_config/) load unchanged, with relative paths taken
// from the file's directory; every key of the schema that cannot be
// honoured, or is wrong, is refused with file, line and column naming it.
// Certificates are made with the openssl CLI at test time.

#include "exporter/config/web_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "exporter/platform/tls_server_context.h"
#include "tests/support/test_pki.h"

namespace ipv6ha {
namespace {

using ::ipv6ha::testing::MakeTestPki;
using ::ipv6ha::testing::TempDir;
using ::ipv6ha::testing::TestPki;

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(IPV6HA_FIXTURES) + "/web_config/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class WebConfigTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    pki_ = new TestPki;
    ASSERT_TRUE(MakeTestPki(*dir_, *pki_));
    // The names the documented examples use, beside the config.
    std::filesystem::copy_file(pki_->server_cert, dir_->path() / "server.crt");
    std::filesystem::copy_file(pki_->server_key, dir_->path() / "server.key");
    std::filesystem::copy_file(pki_->ca,
                               dir_->path() / "client_selfsigned.pem");
  }
  static void TearDownTestSuite() {
    delete pki_;
    delete dir_;
  }

  // Copies fixture `name` into the directory with the certificates, loads it.
  static Expected<WebConfig> Load(const std::string& name) {
    return LoadWebConfig(dir_->Write(name, Fixture(name)));
  }

  static TempDir* dir_;
  static TestPki* pki_;
};
TempDir* WebConfigTest::dir_ = nullptr;
TestPki* WebConfigTest::pki_ = nullptr;

TEST_F(WebConfigTest, DocumentedExamplesLoadUnchanged) {
  for (const char* name : {"documented_example.good.yml",
                           "full_schema.good.yml", "all_ciphers.good.yml",
                           "some_curves.good.yml", "no_tls_users.good.yml"}) {
    auto web = Load(name);
    ASSERT_TRUE(web) << name << ": " << web.error().message;
  }
}

TEST_F(WebConfigTest, RelativePathsAreTakenFromTheFilesDirectory) {
  auto web = Load("documented_example.good.yml");
  ASSERT_TRUE(web) << web.error().message;
  EXPECT_TRUE(web->tls());
  EXPECT_EQ(web->cert_file, (dir_->path() / "server.crt").string());
  EXPECT_EQ(web->key_file, (dir_->path() / "server.key").string());
  EXPECT_EQ(web->basic_auth_users.size(), 2u);
  EXPECT_EQ(web->basic_auth_excluded_paths,
            (std::vector<std::string>{"/-/healthy", "/-/ready"}));
}

TEST_F(WebConfigTest, EveryKeyOfTheFullSchemaIsRead) {
  auto web = Load("full_schema.good.yml");
  ASSERT_TRUE(web) << web.error().message;
  EXPECT_TRUE(web->tls());
  EXPECT_EQ(web->client_auth_type, "RequireAndVerifyClientCert");
  EXPECT_EQ(web->client_ca_file,
            (dir_->path() / "client_selfsigned.pem").string());
  EXPECT_EQ(web->headers.at("X-Frame-Options"), "deny");
  EXPECT_EQ(web->headers.at("Content-Security-Policy"),
            "default-src 'self' *.test.example.net");
  EXPECT_EQ(web->headers.size(), 5u);
  EXPECT_EQ(web->Files().size(), 3u);  // watched for rotation
}

TEST_F(WebConfigTest, WhatCannotBeHonouredIsRefusedWithItsPlace) {
  struct Case {
    const char* file;
    const char* where;  // line:column of the key or value at fault
    const char* says;
  };
  const Case cases[] = {
      {"invented_curve.bad.yml", ":5:7:", "unknown curve \"CurveP257\""},
      {"wrong_tls_version.bad.yml", ":4:16:", "min_version must be TLS10"},
      {"extra_header.bad.yml", ":3:5:", "header \"Server\" cannot be set"},
      {"frame_options.bad.yml",
       ":3:22:", "X-Frame-Options cannot be \"allow-from\""},
      {"rate_limit.bad.yml", ":1:1:", "rate_limit cannot be honoured"},
      {"junk_key.bad.yml", ":4:3:", "client_ca_files"},
      {"key_without_cert.bad.yml", "", "needs both a certificate"},
  };
  for (const auto& c : cases) {
    auto web = Load(c.file);
    ASSERT_FALSE(web) << c.file;
    const std::string& why = web.error().message;
    EXPECT_NE(why.find(c.file + std::string(c.where)), std::string::npos)
        << c.file << ": " << why;
    EXPECT_NE(why.find(c.says), std::string::npos) << c.file << ": " << why;
  }
}

TEST_F(WebConfigTest, ACurveThisOpenSslLacksIsNamed) {
  const std::string text =
      "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
      "  curve_preferences:\n    - CurveP256\n    - X25519MLKEM768\n";
  auto web = LoadWebConfig(dir_->Write("mlkem.yml", text));
  if (CheckGroupAvailable("X25519MLKEM768")) {
    EXPECT_TRUE(web) << web.error().message;  // a newer OpenSSL has it
    return;
  }
  ASSERT_FALSE(web);
  EXPECT_NE(web.error().message.find("mlkem.yml:6:7: tls_server_config."
                                     "curve_preferences: curve X25519MLKEM768 "
                                     "cannot be honoured"),
            std::string::npos)
      << web.error().message;
}

TEST_F(WebConfigTest, MissingAndMismatchedFilesAreRefusedAtTheirKey) {
  auto missing = LoadWebConfig(dir_->Write(
      "missing.yml",
      "tls_server_config:\n  cert_file: nope.crt\n  key_file: server.key\n"));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("missing.yml:2:14: tls_server_config."
                                         "cert_file "),
            std::string::npos)
      << missing.error().message;
  auto mismatch = LoadWebConfig(
      dir_->Write("mismatch.yml",
                  "tls_server_config:\n  cert_file: server.crt\n  key_file: " +
                      pki_->client_key + "\n"));
  ASSERT_FALSE(mismatch);
  EXPECT_NE(mismatch.error().message.find("does not match the certificate"),
            std::string::npos)
      << mismatch.error().message;
  auto both = LoadWebConfig(
      dir_->Write("both.yml",
                  "tls_server_config:\n  cert_file: server.crt\n  cert: x\n"
                  "  key_file: server.key\n"));
  ASSERT_FALSE(both);
  EXPECT_NE(both.error().message.find("are both given"), std::string::npos)
      << both.error().message;
}

TEST_F(WebConfigTest, InlineCertificateAndKeyLoad) {
  std::ifstream cert(pki_->server_cert), key(pki_->server_key);
  std::stringstream c, k;
  c << cert.rdbuf();
  k << key.rdbuf();
  auto indent = [](const std::string& pem) {
    std::string out;
    std::istringstream lines(pem);
    for (std::string line; std::getline(lines, line);)
      out += "    " + line + "\n";
    return out;
  };
  auto web = LoadWebConfig(dir_->Write(
      "inline.yml", "tls_server_config:\n  cert: |\n" + indent(c.str()) +
                        "  key: |\n" + indent(k.str())));
  ASSERT_TRUE(web) << web.error().message;
  EXPECT_TRUE(web->tls());
  EXPECT_TRUE(web->Files().empty());
}

}  // namespace
}  // namespace ipv6ha
