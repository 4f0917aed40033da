#pragma once

// Splits and checks an HTTP/1.x reply read to the end of its stream (the
// peer status client sends HTTP/1.0 with "Connection: close"). The reply
// comes from whoever answers on the peer address, so it is checked, not
// trusted: a strict status line, Content-Length honoured (decimal digits
// only, one value; the body is that long: a shorter one is an error, bytes
// after it are not part of the reply), no Transfer-Encoding (an
// HTTP/1.0 request does not accept one), and the body returned as valid
// UTF-8 (exporter/text/utf8.h). Pure functions, thread safe.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ipv6ha {

struct HttpReply {
  int status = 0;
  std::string body;  // valid UTF-8; invalid bytes replaced by U+FFFD
};

struct HttpReplyError {
  bool too_large = false;  // the announced or received body exceeds the cap
  std::string message;     // "has an invalid Content-Length \"-1\""
};

// The reply, or why it is unusable. `message` reads after "the reply ".
struct ParsedHttpReply {
  std::optional<HttpReply> reply;
  HttpReplyError error;
};
ParsedHttpReply ParseHttpReply(std::string_view data, std::size_t max_body);

// The total size (head and body) of the reply once its head has arrived
// and carries a valid Content-Length, so that the reader can stop there;
// nullopt while the head is incomplete or has no usable Content-Length.
std::optional<std::size_t> AnnouncedReplySize(std::string_view data);

}  // namespace ipv6ha
