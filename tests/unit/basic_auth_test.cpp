#include "exporter/basic_auth.h"

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

}  // namespace
}  // namespace ipv6ha
