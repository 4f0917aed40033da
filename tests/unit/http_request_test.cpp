#include "exporter/http/http_request.h"

#include <gtest/gtest.h>

#include <string>

namespace ipv6ha {
namespace {

using State = HttpHeadParse::State;

TEST(HttpRequestTest, PrometheusScrapeParses) {
  const std::string head =
      "GET /metrics?x=1 HTTP/1.1\r\nHost: fw1:9646\r\nUser-Agent: "
      "Prometheus/2.45.0\r\nAccept: text/plain\r\n\r\n";
  auto r = ParseHttpHead(head + "GET /next");
  ASSERT_EQ(r.state, State::kComplete) << r.reason;
  EXPECT_EQ(r.consumed, head.size());
  EXPECT_EQ(r.request.method, "GET");
  EXPECT_EQ(r.request.path, "/metrics");
  EXPECT_EQ(r.request.query, "x=1");
  EXPECT_TRUE(r.request.keep_alive);
  EXPECT_FALSE(r.request.body_follows);
  ASSERT_EQ(r.request.HeaderValues("user-agent").size(), 1u);
  EXPECT_EQ(r.request.HeaderValues("user-agent")[0], "Prometheus/2.45.0");
}

TEST(HttpRequestTest, HeadWithoutItsEmptyLineIsIncomplete) {
  EXPECT_EQ(ParseHttpHead("").state, State::kIncomplete);
  EXPECT_EQ(ParseHttpHead("GET /metrics HTTP/1.1\r\nHost: x\r\n").state,
            State::kIncomplete);
  EXPECT_EQ(ParseHttpHead("GET /metrics HTTP/1.1\r\nX-Slow: ").state,
            State::kIncomplete);
}

TEST(HttpRequestTest, ConnectionHeaderAndVersionDecideKeepAlive) {
  struct Case {
    const char* head;
    bool keep_alive;
  };
  const Case cases[] = {
      {"GET / HTTP/1.1\r\n\r\n", true},
      {"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false},
      {"GET / HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n", false},
      {"GET / HTTP/1.0\r\n\r\n", false},
      {"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true},
  };
  for (const auto& c : cases) {
    auto r = ParseHttpHead(c.head);
    ASSERT_EQ(r.state, State::kComplete) << c.head;
    EXPECT_EQ(r.request.keep_alive, c.keep_alive) << c.head;
  }
}

TEST(HttpRequestTest, BodiesAreNoticed) {
  EXPECT_TRUE(ParseHttpHead("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello")
                  .request.body_follows);
  EXPECT_FALSE(ParseHttpHead("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
                   .request.body_follows);
  EXPECT_TRUE(
      ParseHttpHead("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
          .request.body_follows);
}

TEST(HttpRequestTest, TargetsAreDecodedAndAbsoluteFormsReduced) {
  EXPECT_EQ(ParseHttpHead("GET /%6detrics HTTP/1.1\r\n\r\n").request.path,
            "/metrics");
  EXPECT_EQ(ParseHttpHead("GET http://fw1:9646/-/ready HTTP/1.1\r\n\r\n")
                .request.path,
            "/-/ready");
  EXPECT_EQ(ParseHttpHead("\r\nGET / HTTP/1.1\n\n").state, State::kComplete);
}

TEST(HttpRequestTest, MalformedHeadsAreRefusedWithTheirStatus) {
  struct Case {
    std::string head;
    int status;
  };
  const Case cases[] = {
      {"GET /\r\n\r\n", 400},
      {"GET  / HTTP/1.1\r\n\r\n", 400},
      {"G(T / HTTP/1.1\r\n\r\n", 400},
      {"GET metrics HTTP/1.1\r\n\r\n", 400},
      {"GET /%00 HTTP/1.1\r\n\r\n", 400},
      {"GET /%zz HTTP/1.1\r\n\r\n", 400},
      {"GET /%4 HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/2.0\r\n\r\n", 505},
      {"GET / FOO/1.1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nNo colon\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nX: a\x01z\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n", 400},
      {"GET /" + std::string(kMaxHeadBytes, 'a') + " HTTP/1.1\r\n\r\n", 431},
      {"GET /" + std::string(kMaxHeadBytes, 'a'), 431},
  };
  for (const auto& c : cases) {
    auto r = ParseHttpHead(c.head);
    EXPECT_EQ(r.state, State::kBad) << c.head.substr(0, 60);
    EXPECT_EQ(r.status, c.status) << c.head.substr(0, 60);
    EXPECT_FALSE(r.reason.empty());
  }
}

TEST(HttpRequestTest, BytesThatCannotStartARequestAreRefusedAtOnce) {
  // The start of a TLS ClientHello on the plain port.
  EXPECT_EQ(ParseHttpHead(std::string("\x16\x03\x01\x02\x00\x01", 6)).status,
            400);
  EXPECT_EQ(ParseHttpHead(std::string(40, 'G')).status, 400);
  EXPECT_EQ(ParseHttpHead("GET").state, State::kIncomplete);
  EXPECT_EQ(ParseHttpHead("GET /metr").state, State::kIncomplete);
}

TEST(HttpRequestTest, MoreThanTheAllowedHeadersIsRefused) {
  std::string head = "GET / HTTP/1.1\r\n";
  for (std::size_t i = 0; i <= kMaxHeaders; ++i) {
    head += "X-" + std::to_string(i) + ": v\r\n";
  }
  auto r = ParseHttpHead(head + "\r\n");
  EXPECT_EQ(r.state, State::kBad);
  EXPECT_EQ(r.status, 431);
}

}  // namespace
}  // namespace ipv6ha
