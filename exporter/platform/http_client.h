#pragma once

// A small HTTP/1.0 GET client for fetching the peer's /api/v1/status over
// the sync link: IPv6 literals ("http://[fd00::2]:9646"), a hard deadline
// covering connect, send and receive, and a cap on the reply size, so a
// peer that is slow, silent or sends 50 MB cannot hold or bloat us.
//
// Why not civetweb's client (mg_connect_client): its connect waits a fixed
// 10 s whatever the caller's deadline, mg_read has no deadline of its own,
// and Debian's libcivetweb 1.15 is built without IPv6. https:// is not
// supported (yet): the peer API runs on the sync link between the two
// firewalls. Thread safe: each call owns its socket.

#include <chrono>
#include <cstddef>
#include <string>

namespace ipv6ha {

struct HttpFetchResult {
  enum class Outcome {
    kOk,             // a complete HTTP reply (any status code)
    kConnectFailed,  // refused, no route, unreachable: nobody answered
    kTimeout,        // connected, but no complete reply before the deadline
    kTooLarge,       // the reply exceeded the cap
    kBadReply,       // not HTTP, or the URL is unusable
  };
  Outcome outcome = Outcome::kBadReply;
  int status = 0;
  std::string body;
  std::string error;  // a sentence when outcome != kOk
};

HttpFetchResult HttpFetch(const std::string& url,
                          std::chrono::milliseconds timeout,
                          std::size_t max_body_bytes);

}  // namespace ipv6ha
