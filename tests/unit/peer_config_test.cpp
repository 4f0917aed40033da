// The peer: section's https and basic auth keys: strict validation with
// file:line:column errors, and the CA and password files read at load.

#include "exporter/config/peer_config.h"

#include <gtest/gtest.h>

#include <string>

#include "exporter/config/config.h"
#include "tests/support/fixture_file.h"

namespace ipv6ha {
namespace {

using ::ipv6ha::testing::FixturePath;

Expected<LoadedConfig> Load(const std::string& yaml) {
  return LoadConfigFromString(yaml, "test.yml", CheckEnv{});
}

std::string ErrorOf(const std::string& yaml) {
  auto c = Load(yaml);
  return c ? "" : c.error().message;
}

std::string Fixture(const std::string& name) {
  return FixturePath("peer_api/" + name);
}

// "peer:\n  api: URL\n" plus `rest` (more keys of peer:, indented by 2).
std::string Peer(const std::string& api, const std::string& rest) {
  return "peer:\n  api: \"" + api + "\"\n" + rest;
}

TEST(PeerConfigTest, HttpsWithCaFileAndBasicAuthLoads) {
  auto c = Load(Peer("https://[fd00::2]:9646",
                     "  tls: {ca_file: " + Fixture("ca.pem") +
                         ", server_name: fw2}\n"
                         "  basic_auth: {username: fw1, password_file: " +
                         Fixture("password") + "}\n"));
  ASSERT_TRUE(c) << c.error().message;
  const PeerConfig& p = c->config.peer;
  EXPECT_EQ(p.tls.ca_file, Fixture("ca.pem"));
  EXPECT_EQ(p.tls.server_name, "fw2");
  EXPECT_FALSE(p.tls.insecure_skip_verify);
  ASSERT_TRUE(p.fetch.tls);
  EXPECT_EQ(p.fetch.username, "fw1");
  EXPECT_EQ(p.fetch.password, "not-a-real-secret") << "trailing newline kept";
}

TEST(PeerConfigTest, HttpsWithoutTlsSectionUsesTheSystemTrustStore) {
  auto c = Load(Peer("https://fw2.example:9646", ""));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->config.peer.fetch.tls);
  EXPECT_TRUE(c->config.peer.tls.ca_file.empty());
}

TEST(PeerConfigTest, PlainHttpNeedsNoTlsContext) {
  auto c = Load(Peer("http://[fd00::2]:9646", ""));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->config.peer.fetch.tls);
  EXPECT_TRUE(c->config.peer.fetch.username.empty());
}

TEST(PeerConfigTest, TlsOptionsOnAnHttpUrlAreRejected) {
  EXPECT_EQ(ErrorOf(Peer("http://[fd00::2]:9646",
                         "  tls: {insecure_skip_verify: true}\n")),
            "test.yml:3:8: peer.tls needs an https:// peer.api, not "
            "\"http://[fd00::2]:9646\"");
  EXPECT_EQ(ErrorOf("peer:\n  tls: {server_name: fw2}\n"),
            "test.yml:2:8: peer.tls needs an https:// peer.api (none is set)");
}

TEST(PeerConfigTest, CaFileMustBeAbsoluteReadableAndHoldCertificates) {
  EXPECT_EQ(
      ErrorOf(Peer("https://[fd00::2]:9646", "  tls: {ca_file: ca.pem}\n")),
      "test.yml:3:18: peer.tls.ca_file must be an absolute path, not "
      "\"ca.pem\"");
  EXPECT_EQ(ErrorOf(Peer("https://[fd00::2]:9646",
                         "  tls: {ca_file: /nonexistent/ca.pem}\n")),
            "test.yml:3:18: peer.tls.ca_file: cannot read CA certificates: "
            "/nonexistent/ca.pem: cannot open: No such file or directory");
  const std::string err =
      ErrorOf(Peer("https://[fd00::2]:9646",
                   "  tls: {ca_file: " + Fixture("not_a_cert.pem") + "}\n"));
  EXPECT_NE(err.find("test.yml:3:18: peer.tls.ca_file: cannot load CA "
                     "certificates from " +
                     Fixture("not_a_cert.pem") + ": "),
            std::string::npos)
      << err;
}

TEST(PeerConfigTest, CaFileThatIsNotARegularFileDoesNotHangTheLoad) {
  EXPECT_EQ(
      ErrorOf(Peer("https://[fd00::2]:9646", "  tls: {ca_file: /dev/zero}\n")),
      "test.yml:3:18: peer.tls.ca_file: cannot read CA certificates: "
      "/dev/zero: not a regular file");
}

TEST(PeerConfigTest, InsecureSkipVerifyWithCaFileOrServerNameIsContradictory) {
  EXPECT_EQ(ErrorOf(Peer("https://[fd00::2]:9646",
                         "  tls:\n    server_name: fw2\n"
                         "    insecure_skip_verify: true\n")),
            "test.yml:5:27: peer.tls.insecure_skip_verify turns off the "
            "certificate check that ca_file and server_name configure; set "
            "one or the other");
}

TEST(PeerConfigTest, InsecureSkipVerifyAloneLoads) {
  auto c = Load(
      Peer("https://[fd00::2]:9646", "  tls: {insecure_skip_verify: true}\n"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->config.peer.tls.insecure_skip_verify);
}

TEST(PeerConfigTest, UnknownOrMistypedTlsKeysAreRejected) {
  EXPECT_EQ(ErrorOf(Peer("https://[fd00::2]:9646", "  tls: {cafile: /x}\n")),
            "test.yml:3:9: unknown key \"peer.tls.cafile\"");
  EXPECT_EQ(
      ErrorOf(Peer("https://[fd00::2]:9646",
                   "  tls: {insecure_skip_verify: sometimes}\n")),
      "test.yml:3:31: peer.tls.insecure_skip_verify must be true or false");
}

TEST(PeerConfigTest, BasicAuthNeedsUsernameAndPasswordFile) {
  EXPECT_EQ(
      ErrorOf(Peer("https://[fd00::2]:9646", "  basic_auth: {password_file: " +
                                                 Fixture("password") + "}\n")),
      "test.yml:3:15: peer.basic_auth needs username");
  EXPECT_EQ(ErrorOf(Peer("https://[fd00::2]:9646",
                         "  basic_auth: {username: fw1}\n")),
            "test.yml:3:15: peer.basic_auth needs password_file");
  EXPECT_EQ(ErrorOf(Peer("https://[fd00::2]:9646",
                         "  basic_auth: {username: \"a:b\", password_file: " +
                             Fixture("password") + "}\n")),
            "test.yml:3:26: peer.basic_auth.username must not contain ':'");
}

TEST(PeerConfigTest, InlinePasswordIsRejected) {
  const std::string err =
      ErrorOf(Peer("https://[fd00::2]:9646",
                   "  basic_auth: {username: fw1, password: hunter2}\n"));
  EXPECT_NE(err.find("test.yml:3:41: peer.basic_auth.password: no secrets in "
                     "the config file"),
            std::string::npos)
      << err;
  EXPECT_EQ(err.find("hunter2"), std::string::npos) << "the secret is echoed";
}

TEST(PeerConfigTest, MissingPasswordFileIsRejectedWithItsPosition) {
  EXPECT_EQ(ErrorOf(Peer("https://[fd00::2]:9646",
                         "  basic_auth:\n    username: fw1\n"
                         "    password_file: /nonexistent/peer.pass\n")),
            "test.yml:5:20: peer.basic_auth.password_file: "
            "/nonexistent/peer.pass: cannot open: No such file or directory");
  EXPECT_EQ(ErrorOf(Peer(
                "https://[fd00::2]:9646",
                "  basic_auth: {username: fw1, password_file: peer.pass}\n")),
            "test.yml:3:46: peer.basic_auth.password_file must be an absolute "
            "path, not \"peer.pass\"");
}

TEST(PeerConfigTest, BasicAuthWithoutApiIsRejected) {
  const std::string err = ErrorOf(
      "peer:\n  address: fd00::2\n  basic_auth: {username: fw1, "
      "password_file: " +
      Fixture("password") + "}\n");
  EXPECT_NE(
      err.find("test.yml:3:15: peer.basic_auth needs peer.api (none is set)"),
      std::string::npos)
      << err;
}

TEST(PeerConfigTest, ErrorsOfTlsAndBasicAuthAreReportedTogether) {
  const std::string err = ErrorOf(
      Peer("http://[fd00::2]:9646",
           "  tls: {ca_file: /x.pem}\n  basic_auth: {username: fw1}\n"));
  EXPECT_NE(err.find("peer.tls needs an https://"), std::string::npos) << err;
  EXPECT_NE(err.find("peer.basic_auth needs password_file"), std::string::npos)
      << err;
}

struct SecretCase {
  const char* file;
  const char* password;  // nullptr: an error containing `error`
  const char* error;
};

TEST(ReadSecretFileTest, StripsOneTrailingNewlineAndRejectsOddFiles) {
  const SecretCase cases[] = {
      {"password", "not-a-real-secret", nullptr},
      {"password_crlf", "not-a-real-secret", nullptr},
      {"password_empty", nullptr, ": is empty"},
      {"password_two_lines", nullptr, ": has more than one line"},
      {"missing", nullptr, ": cannot open: No such file or directory"},
  };
  for (const auto& c : cases) {
    auto secret = ReadSecretFile(Fixture(c.file));
    if (c.password != nullptr) {
      ASSERT_TRUE(secret) << c.file << ": " << secret.error().message;
      EXPECT_EQ(*secret, c.password) << c.file;
    } else {
      ASSERT_FALSE(secret) << c.file;
      EXPECT_EQ(secret.error().message.rfind(Fixture(c.file) + c.error, 0), 0u)
          << secret.error().message;
    }
  }
}

}  // namespace
}  // namespace ipv6ha
