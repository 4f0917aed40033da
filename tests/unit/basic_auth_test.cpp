#include "exporter/http/basic_auth.h"

#include <gtest/gtest.h>

#include "tests/support/bcrypt_hash.h"

namespace ipv6ha {
namespace {

using ::ipv6ha::testing::BcryptHash;

// "Basic " + base64("user:password")
std::string Header(const std::string& user_password) {
  static const char* kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  const auto& s = user_password;
  for (; i + 2 < s.size(); i += 3) {
    unsigned v = (unsigned char)s[i] << 16 | (unsigned char)s[i + 1] << 8 |
                 (unsigned char)s[i + 2];
    for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(v >> k) & 63];
  }
  if (i < s.size()) {
    unsigned v = (unsigned char)s[i] << 16;
    if (i + 1 < s.size()) v |= (unsigned char)s[i + 1] << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < s.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return "Basic " + out;
}

TEST(BasicAuthTest, ParsesUserAndPasswordWithColons) {
  auto creds = BasicAuth::ParseHeader(Header("prom:pa:ss"));
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->first, "prom");
  EXPECT_EQ(creds->second, "pa:ss");
}

TEST(BasicAuthTest, PaddingIsNotPartOfThePassword) {
  for (const std::string pw : {"a", "ab", "abc", "abcd"}) {
    auto creds = BasicAuth::ParseHeader(Header("u:" + pw));
    ASSERT_TRUE(creds) << pw;
    EXPECT_EQ(creds->second, pw);
  }
}

TEST(BasicAuthTest, MalformedHeadersAreRejected) {
  for (const char* h : {"", "Basic", "Basic ", "Bearer abc", "Basic !!!!",
                        "Basic YWJj", "basic dTpw"}) {
    EXPECT_FALSE(BasicAuth::ParseHeader(h)) << h;
  }
}

TEST(BasicAuthTest, RightPasswordPassesWrongOneFails) {
  BasicAuth auth({{"prometheus", BcryptHash("s3cret")}});
  EXPECT_TRUE(auth.Verify(Header("prometheus:s3cret")));
  EXPECT_FALSE(auth.Verify(Header("prometheus:s3cre")));
  EXPECT_FALSE(auth.Verify(Header("prometheus:")));
  EXPECT_FALSE(auth.Verify(Header("other:s3cret")));
  EXPECT_FALSE(auth.Verify(""));
}

TEST(BasicAuthTest, NoUsersMeansNoAuth) {
  BasicAuth auth({});
  EXPECT_FALSE(auth.enabled());
  EXPECT_TRUE(auth.Verify(""));
}

TEST(BasicAuthTest, GarbageHashNeverMatches) {
  EXPECT_FALSE(VerifyCryptHash("x", "$2y$10$tooshort"));
  EXPECT_FALSE(VerifyCryptHash("", ""));
}

// crypt() reads the password as a C string: "secret\0junk" used to pass.
TEST(BasicAuthTest, PasswordWithANulByteIsRefused) {
  BasicAuth auth({{"prometheus", BcryptHash("secret")}});
  EXPECT_TRUE(auth.Verify(Header("prometheus:secret")));
  EXPECT_FALSE(auth.Verify(Header(std::string("prometheus:secret\0junk", 23))));
  EXPECT_FALSE(auth.Verify(Header(std::string("prome\0theus:secret", 18))));
  EXPECT_FALSE(BasicAuth::ParseHeader(Header(std::string("a:b\0", 4))));
}

struct HashCase {
  const char* hash;
  const char* reason;  // "" = accepted
};

class BcryptHashCheck : public ::testing::TestWithParam<HashCase> {};

TEST_P(BcryptHashCheck, AcceptsCostsUpToTwelveAndWellFormedHashesOnly) {
  const Status st = CheckBcryptHash(GetParam().hash);
  if (std::string(GetParam().reason).empty()) {
    EXPECT_TRUE(st.ok()) << st.error().message;
  } else {
    ASSERT_FALSE(st.ok()) << GetParam().hash;
    EXPECT_NE(st.error().message.find(GetParam().reason), std::string::npos)
        << st.error().message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Hashes, BcryptHashCheck,
    ::testing::Values(
        HashCase{"$2b$04$NO.6chsCGrE/QErbkxa/te1Th43EFAojEAvkNRS1tpfFa7ztrOq2G",
                 ""},
        HashCase{"$2b$12$xumqdkfGhQownvkdC99eF.eA/dSO6MaqCec2nNX4BpLa39tL9q462",
                 ""},
        HashCase{"$2y$31$xumqdkfGhQownvkdC99eF.eA/dSO6MaqCec2nNX4BpLa39tL9q462",
                 "bcrypt cost 31, outside 4..12"},
        HashCase{"$2y$13$xumqdkfGhQownvkdC99eF.eA/dSO6MaqCec2nNX4BpLa39tL9q462",
                 "bcrypt cost 13"},
        HashCase{"$2y$03$xumqdkfGhQownvkdC99eF.eA/dSO6MaqCec2nNX4BpLa39tL9q462",
                 "bcrypt cost 3"},
        HashCase{"$2y$10$tooshort", "must be a bcrypt hash"},
        HashCase{"$2x$10$xumqdkfGhQownvkdC99eF.eA/dSO6MaqCec2nNX4BpLa39tL9q462",
                 "must be a bcrypt hash"},
        HashCase{"$2y$1a$xumqdkfGhQownvkdC99eF.eA/dSO6MaqCec2nNX4BpLa39tL9q462",
                 "must be a bcrypt hash"},
        HashCase{"$2y$10$xumqdkfGhQownvkdC99eF.eA/dSO6MaqCec2nNX4BpLa39tL9q46!",
                 "must be a bcrypt hash"}));

}  // namespace
}  // namespace ipv6ha
