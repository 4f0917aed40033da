#include "exporter/platform/http_reply.h"

#include <gtest/gtest.h>

#include "exporter/text/utf8.h"

namespace ipv6ha {
namespace {

constexpr std::size_t kCap = 1 << 20;

TEST(HttpReplyTest, BodyIsWhatContentLengthAnnounces) {
  auto r =
      ParseHttpReply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", kCap);
  ASSERT_TRUE(r.reply) << r.error.message;
  EXPECT_EQ(r.reply->status, 200);
  EXPECT_EQ(r.reply->body, "{}");
}

TEST(HttpReplyTest, BytesAfterTheAnnouncedLengthAreNotPartOfTheReply) {
  auto r = ParseHttpReply(
      "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n{\"role\":\"master\"}",
      kCap);
  ASSERT_TRUE(r.reply) << r.error.message;
  EXPECT_EQ(r.reply->body, "{\"rol");
}

TEST(HttpReplyTest, WithoutContentLengthTheBodyRunsToTheEnd) {
  auto r =
      ParseHttpReply("HTTP/1.0 503 Service Unavailable\r\n\r\nnot ready", kCap);
  ASSERT_TRUE(r.reply) << r.error.message;
  EXPECT_EQ(r.reply->status, 503);
  EXPECT_EQ(r.reply->body, "not ready");
}

struct BadReply {
  const char* data;
  const char* reason;
  bool too_large = false;
};

class HttpReplyRejects : public ::testing::TestWithParam<BadReply> {};

TEST_P(HttpReplyRejects, WithAReason) {
  auto r = ParseHttpReply(GetParam().data, 100);
  ASSERT_FALSE(r.reply) << GetParam().data;
  EXPECT_NE(r.error.message.find(GetParam().reason), std::string::npos)
      << r.error.message;
  EXPECT_EQ(r.error.too_large, GetParam().too_large);
  EXPECT_TRUE(IsValidUtf8(r.error.message));
}

INSTANTIATE_TEST_SUITE_P(
    Lies, HttpReplyRejects,
    ::testing::Values(
        BadReply{"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n{}",
                 "invalid Content-Length \"-1\""},
        BadReply{"HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\n{}",
                 "invalid Content-Length \"+2\""},
        BadReply{"HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\n{}",
                 "invalid Content-Length"},
        BadReply{"HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n{}",
                 "invalid Content-Length"},
        BadReply{"HTTP/1.1 200 OK\r\nContent-Length: \xff\xfe\r\n\r\n{}",
                 "invalid Content-Length \"\xEF\xBF\xBD\xEF\xBF\xBD\""},
        BadReply{
            "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
            "invalid Content-Length"},
        BadReply{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length: "
                 "3\r\n\r\n{}",
                 "more than one Content-Length"},
        BadReply{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}",
                 "ended after 2 of the 10 bytes"},
        BadReply{"HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n{}",
                 "announces 101 bytes, more than the 100 allowed", true},
        BadReply{"HTTP/1.1 200 OK\r\nTransfer-Encoding: "
                 "chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                 "Transfer-Encoding"},
        BadReply{"HTTP/1.1 2x0 OK\r\n\r\n{}", "not HTTP"},
        BadReply{"HTTP/1.1 200 OK\r\n", "not HTTP"},
        BadReply{"SSH-2.0-OpenSSH_9.2\r\n\r\n", "not HTTP"}));

TEST(HttpReplyTest, BodyWithInvalidUtf8IsRepaired) {
  auto r = ParseHttpReply("HTTP/1.1 200 OK\r\n\r\n{\"node\":\"fw\xff\"}", kCap);
  ASSERT_TRUE(r.reply);
  EXPECT_EQ(r.reply->body, "{\"node\":\"fw\xEF\xBF\xBD\"}");
}

TEST(HttpReplyTest, AnnouncedSizeCountsHeadAndBody) {
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n";
  EXPECT_EQ(AnnouncedReplySize(head + "{}"), head.size() + 7);
  EXPECT_FALSE(AnnouncedReplySize("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n"));
  EXPECT_FALSE(
      AnnouncedReplySize("HTTP/1.1 200 OK\r\nContent-Length: -7\r\n\r\n"));
}

}  // namespace
}  // namespace ipv6ha
