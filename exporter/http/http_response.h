#pragma once

// A complete HTTP response as the server sends it: status line, headers
// and body in one buffer (one write: no Nagle stall between head and body),
// shared so that a finished /metrics rendering goes to many connections
// without a copy.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace ipv6ha {

struct HttpResponse {
  std::shared_ptr<const std::string> bytes;
  std::size_t length = 0;  // of bytes to send: the head alone for HEAD
  bool close = false;      // close the connection after it
};

// "HTTP/1.1 CODE REASON", Content-Type, Content-Length, then
// `extra_headers` (each line ending in CRLF), then the empty line.
std::string ResponseHead(int code, std::string_view reason,
                         std::string_view type, std::size_t length,
                         std::string_view extra_headers = {});

// A whole response in one buffer: ResponseHead(...) and `body`. With
// `head_only` (a HEAD request) only the head is sent.
HttpResponse MakeHttpResponse(int code, std::string_view reason,
                              std::string_view type, std::string_view body,
                              std::string_view extra_headers = {},
                              bool head_only = false);

// The answer to a request head the parser refused (400, 431, 505): the
// reason as a plain-text body; the connection closes after it.
HttpResponse HttpErrorResponse(int status, std::string_view reason);

}  // namespace ipv6ha
