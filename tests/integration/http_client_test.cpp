// HttpFetch against fake servers on 127.0.0.1: the peer status fetch must
// end by its deadline and within its size cap whatever the server does.

#include "exporter/platform/http_client.h"

#include <gtest/gtest.h>

#include "tests/support/fake_http_server.h"

namespace ipv6ha {
namespace {

using testing::FakeHttpServer;
using Outcome = HttpFetchResult::Outcome;
using std::chrono::milliseconds;

TEST(HttpClientTest, FetchesTheBodyOfAGoodReply) {
  FakeHttpServer server(
      FakeHttpServer::Mode::kReply,
      FakeHttpServer::JsonReply(R"({"role":"master","ready":true})"));
  auto r =
      HttpFetch(server.url() + "/api/v1/status", milliseconds(1000), 1 << 20);
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"role":"master","ready":true})");
}

TEST(HttpClientTest, ReportsTheStatusCode) {
  FakeHttpServer server(FakeHttpServer::Mode::kReply,
                        "HTTP/1.0 503 Service Unavailable\r\n\r\nnot ready");
  auto r = HttpFetch(server.url(), milliseconds(1000), 1 << 20);
  ASSERT_EQ(r.outcome, Outcome::kOk);
  EXPECT_EQ(r.status, 503);
}

TEST(HttpClientTest, GarbageIsABadReply) {
  FakeHttpServer server(FakeHttpServer::Mode::kReply,
                        "SSH-2.0-OpenSSH_9.2\r\n");
  auto r = HttpFetch(server.url(), milliseconds(1000), 1 << 20);
  EXPECT_EQ(r.outcome, Outcome::kBadReply);
  EXPECT_NE(r.error.find("not HTTP"), std::string::npos);
}

// A peer that lies about the length of its reply: the client takes what
// Content-Length says and refuses values that are not a length.
TEST(HttpClientTest, ContentLengthShorterThanTheBodyEndsTheBody) {
  FakeHttpServer server(FakeHttpServer::Mode::kReply,
                        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
                        R"({"role":"master","ready":true})");
  auto r = HttpFetch(server.url(), milliseconds(1000), 1 << 20);
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.error;
  EXPECT_EQ(r.body, R"({"rol)");
}

TEST(HttpClientTest, NegativeContentLengthIsABadReply) {
  FakeHttpServer server(FakeHttpServer::Mode::kReply,
                        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"
                        R"({"role":"master","ready":true})");
  auto r = HttpFetch(server.url(), milliseconds(1000), 1 << 20);
  EXPECT_EQ(r.outcome, Outcome::kBadReply);
  EXPECT_NE(r.error.find("invalid Content-Length \"-1\""), std::string::npos)
      << r.error;
}

TEST(HttpClientTest, ReplyCutShortOfItsContentLengthIsABadReply) {
  FakeHttpServer server(FakeHttpServer::Mode::kReply,
                        "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{}");
  auto r = HttpFetch(server.url(), milliseconds(1000), 1 << 20);
  EXPECT_EQ(r.outcome, Outcome::kBadReply);
  EXPECT_NE(r.error.find("ended after 2 of the 500 bytes"), std::string::npos)
      << r.error;
}

TEST(HttpClientTest, AnnouncedLengthAboveTheCapIsTooLarge) {
  FakeHttpServer server(FakeHttpServer::Mode::kReply,
                        "HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n{}");
  auto r = HttpFetch(server.url(), milliseconds(1000), 1024);
  EXPECT_EQ(r.outcome, Outcome::kTooLarge);
  EXPECT_NE(r.error.find("announces 2000 bytes"), std::string::npos) << r.error;
}

TEST(HttpClientTest, OversizedReplyStopsAtTheCap) {
  FakeHttpServer server(FakeHttpServer::Mode::kStream, "", 50u << 20);
  const auto start = std::chrono::steady_clock::now();
  auto r = HttpFetch(server.url(), milliseconds(2000), 1 << 20);
  EXPECT_EQ(r.outcome, Outcome::kTooLarge);
  EXPECT_NE(r.error.find("exceeds 1048576 bytes"), std::string::npos)
      << r.error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
}

TEST(HttpClientTest, SilentServerTimesOutAtTheDeadline) {
  FakeHttpServer server(FakeHttpServer::Mode::kSilent);
  const auto start = std::chrono::steady_clock::now();
  auto r = HttpFetch(server.url(), milliseconds(200), 1 << 20);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.outcome, Outcome::kTimeout);
  EXPECT_GE(took, milliseconds(190));
  EXPECT_LT(took, milliseconds(400));
}

TEST(HttpClientTest, ClosedPortIsAConnectFailure) {
  int port = 0;
  {
    FakeHttpServer server(FakeHttpServer::Mode::kSilent);
    port = server.port();
  }
  auto r = HttpFetch("http://127.0.0.1:" + std::to_string(port),
                     milliseconds(500), 1024);
  EXPECT_EQ(r.outcome, Outcome::kConnectFailed);
  EXPECT_NE(r.error.find("Connection refused"), std::string::npos) << r.error;
}

TEST(HttpClientTest, Ipv6LiteralUrlsWork) {
  // Loopback ::1 with a closed port: what matters is that the URL parses
  // and the connect is attempted over IPv6.
  auto r = HttpFetch("http://[::1]:1/api/v1/status", milliseconds(500), 1024);
  EXPECT_EQ(r.outcome, Outcome::kConnectFailed);
  EXPECT_NE(r.error.find("http://[::1]:1"), std::string::npos) << r.error;
}

TEST(HttpClientTest, OtherSchemesAreRefusedWithAReason) {
  auto r = HttpFetch("ftp://127.0.0.1:1/", milliseconds(100), 1024);
  EXPECT_EQ(r.outcome, Outcome::kBadReply);
  EXPECT_NE(r.error.find("only http:// and https://"), std::string::npos);
}

}  // namespace
}  // namespace ipv6ha
