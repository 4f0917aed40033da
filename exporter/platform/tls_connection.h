#pragma once

// One TLS session over a connected non-blocking socket: handshake, write,
// read, each bounded by the caller's Deadline. OpenSSL's WANT_READ and
// WANT_WRITE are answered by waiting on the socket with Deadline::WaitFd,
// so a peer that accepts TCP and then never completes the handshake costs
// at most the deadline. The certificate is checked against the context's
// CA and the expected name (DNS name, or IP SAN for an IP literal).
//
// Owns the SSL object, not the socket. Not thread safe: one per connection.

#include <cstddef>
#include <string>
#include <string_view>

#include "exporter/platform/deadline.h"
#include "exporter/platform/tls_client_context.h"

struct ssl_st;  // SSL

namespace ipv6ha {

// The outcome of one bounded read, write or handshake on a stream (TLS
// here; the HTTP client's plain-socket stream reports the same way).
struct StreamIo {
  enum class Kind {
    kOk,       // `bytes` transferred (handshake: done)
    kClosed,   // the peer ended the stream
    kTimeout,  // the deadline passed first
    kFailed,   // see `error`
  };
  Kind kind = Kind::kFailed;
  std::size_t bytes = 0;
  std::string error;
};

class TlsConnection {
 public:
  // `host` is the URL's host (no brackets); the context's server_name, when
  // set, replaces it for the certificate check and SNI.
  TlsConnection(const TlsClientContext& context, int fd,
                const std::string& host);
  ~TlsConnection();
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  // kFailed carries a sentence naming the verify error when the
  // certificate was refused ("certificate not trusted: self-signed
  // certificate in certificate chain").
  StreamIo Handshake(const Deadline& deadline);
  StreamIo Write(std::string_view data, const Deadline& deadline);
  StreamIo Read(char* buf, std::size_t len, const Deadline& deadline);

 private:
  template <typename Op>
  StreamIo Drive(Op op, const Deadline& deadline);
  std::string FailureReason(int ssl_error, int rc, int err);

  ssl_st* ssl_ = nullptr;
  int fd_;
  std::string expected_name_;
  std::string setup_error_;
};

}  // namespace ipv6ha
