// Fuzzes the HTTP request-head parser (ParseHttpHead), which reads every
// byte a client sends before anything else looks at it. Besides "no crash,
// no sanitizer report" it checks the parser's contract:
//  - complete: 0 < consumed <= size; the head alone parses to the same
//    request (it is self-delimited); the method is a non-empty token; the
//    path starts with '/' and holds no NUL;
//  - refused: status 400, 431 or 505 with a reason, which makes a response;
//  - incomplete: never more than kMaxHeadBytes held.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "exporter/http/http_request.h"
#include "exporter/http/http_response.h"

namespace {

void CheckComplete(std::string_view bytes, const ipv6ha::HttpHeadParse& r) {
  if (r.consumed == 0 || r.consumed > bytes.size()) __builtin_trap();
  const auto again = ipv6ha::ParseHttpHead(bytes.substr(0, r.consumed));
  if (again.state != ipv6ha::HttpHeadParse::State::kComplete ||
      again.consumed != r.consumed || again.request.path != r.request.path ||
      again.request.method != r.request.method ||
      again.request.headers != r.request.headers) {
    __builtin_trap();
  }
  const auto& req = r.request;
  if (req.method.empty() || req.path.empty() || req.path.front() != '/' ||
      req.path.find('\0') != std::string::npos) {
    __builtin_trap();
  }
  for (const auto& [name, value] : req.headers) {
    if (name.empty() || name.find(':') != std::string::npos) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto r = ipv6ha::ParseHttpHead(bytes);
  switch (r.state) {
    case ipv6ha::HttpHeadParse::State::kComplete:
      CheckComplete(bytes, r);
      break;
    case ipv6ha::HttpHeadParse::State::kBad: {
      if ((r.status != 400 && r.status != 431 && r.status != 505) ||
          r.reason.empty()) {
        __builtin_trap();
      }
      const auto response = ipv6ha::HttpErrorResponse(r.status, r.reason);
      if (!response.close || response.length != response.bytes->size()) {
        __builtin_trap();
      }
      break;
    }
    case ipv6ha::HttpHeadParse::State::kIncomplete:
      if (size > ipv6ha::kMaxHeadBytes) __builtin_trap();
      break;
  }
  return 0;
}
