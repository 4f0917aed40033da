#pragma once

// The head of one HTTP/1.x request, parsed from the bytes a connection has
// received so far. Pure: no I/O, no allocation beyond the result; the HTTP
// server calls it on every read and fuzz_http_server drives it through the
// real server.
//
// What it accepts, strictly: an optional few empty lines, then
// "METHOD SP TARGET SP HTTP/1.0|HTTP/1.1", header lines "Name: value"
// (CRLF or bare LF line ends), an empty line. Refused with a status code:
// a head over kMaxHeadBytes or with more than kMaxHeaders headers (431),
// another HTTP version (505), anything malformed (400): bytes that are not
// tokens in a method or header name, control bytes in a target or value,
// folded header lines, a bad Content-Length, a NUL anywhere once decoded.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ipv6ha {

inline constexpr std::size_t kMaxHeadBytes = 16 * 1024;
inline constexpr std::size_t kMaxHeaders = 64;

struct HttpRequest {
  std::string method;     // as sent: "GET", "HEAD"
  std::string path;       // percent-decoded path of the target: "/metrics"
  std::string query;      // after '?', as sent
  int minor_version = 1;  // HTTP/1.0 or HTTP/1.1
  std::vector<std::pair<std::string, std::string>> headers;  // in order
  // Whether the client lets the connection stay open after the response:
  // HTTP/1.1 unless "Connection: close", HTTP/1.0 only with "keep-alive".
  bool keep_alive = true;
  // A body follows the head (Content-Length above 0, or any
  // Transfer-Encoding). No endpoint reads one: the server answers and
  // closes the connection.
  bool body_follows = false;

  // Every value of header `name` (case-insensitive), in order.
  std::vector<std::string_view> HeaderValues(std::string_view name) const;
};

struct HttpHeadParse {
  enum class State { kIncomplete, kComplete, kBad };
  State state = State::kIncomplete;
  std::size_t consumed = 0;  // kComplete: bytes of the head, final CRLF incl.
  HttpRequest request;       // kComplete
  int status = 0;            // kBad: 400, 431 or 505
  std::string reason;        // kBad: one line for the response body
};

// Parses the head at the start of `bytes` (a connection's received bytes).
HttpHeadParse ParseHttpHead(std::string_view bytes);

}  // namespace ipv6ha
