#pragma once

// A small HTTP/1.0 GET client for fetching the peer's /api/v1/status over
// the sync link: IPv6 literals ("http://[fd00::2]:9646"), https:// with a
// verified certificate, basic auth, a hard deadline covering connect, TLS
// handshake, send and receive, and a cap on the reply size, so a peer that
// is slow, silent or sends 50 MB cannot hold or bloat us.
//
// Why not civetweb's client (mg_connect_client): its connect waits a fixed
// 10 s whatever the caller's deadline, mg_read has no deadline of its own,
// and Debian's libcivetweb 1.15 is built without IPv6. Thread safe: each
// call owns its socket and TLS session.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "exporter/platform/tls_client_context.h"

namespace ipv6ha {

struct HttpFetchOptions {
  // For https:// URLs. Null: verify against the system's trust store and
  // the URL's host.
  std::shared_ptr<const TlsClientContext> tls;
  // Sent as basic auth when `username` is not empty.
  std::string username;
  std::string password;
};

struct HttpFetchResult {
  enum class Outcome {
    kOk,             // a complete HTTP reply (any status code)
    kConnectFailed,  // refused, no route, unreachable: nobody answered
    kTimeout,        // connected, but no complete reply before the deadline
    kTooLarge,       // the reply exceeded the cap
    kBadReply,       // not HTTP, or the URL is unusable
    kTlsFailed,      // TLS refused: untrusted certificate, wrong name, no TLS
  };
  Outcome outcome = Outcome::kBadReply;
  int status = 0;
  std::string body;
  std::string error;  // a sentence when outcome != kOk
};

HttpFetchResult HttpFetch(const std::string& url,
                          std::chrono::milliseconds timeout,
                          std::size_t max_body_bytes,
                          const HttpFetchOptions& options = {});

}  // namespace ipv6ha
