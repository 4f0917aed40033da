#pragma once

// One client connection of the HTTP server: its socket (and TLS session),
// the bytes received but not yet parsed, the response being written, and
// where it is in its life. Non-blocking I/O only; owned and driven by
// HttpLoop on its thread, never shared.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "exporter/http/http_request.h"
#include "exporter/http/http_response.h"
#include "exporter/platform/unique_fd.h"

struct ssl_st;  // SSL

namespace ipv6ha {

class HttpConnection {
 public:
  using Clock = std::chrono::steady_clock;

  enum class State {
    kHandshake,  // TLS handshake under way
    kReading,    // waiting for (the rest of) a request head
    kQueued,     // a complete request waits for its turn on the loop
    kDeferred,   // a worker thread is answering it
    kWriting,    // the response is being sent
    kDraining,   // response sent, write side shut: reading until EOF
  };
  // What the socket waits for next, as EventPoller interest bits.
  enum Want : std::uint32_t { kNone = 0, kRead = 1, kWrite = 2 };
  enum class Io { kProgress, kWouldBlock, kClosed };

  // `ssl`: a TLS session set to accept on `fd` (owned from here), or null.
  HttpConnection(UniqueFd fd, ssl_st* ssl, std::uint64_t id,
                 Clock::time_point now);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  int fd() const { return fd_.get(); }
  std::uint64_t id() const { return id_; }
  bool tls() const { return ssl_ != nullptr; }

  // Advances the TLS handshake: kProgress when done, kWouldBlock (see
  // want()), kClosed when it failed.
  Io Handshake();
  // Appends what the socket holds to in(); kClosed on EOF or an error (the
  // bytes read before it are kept).
  Io Receive(char* scratch, std::size_t scratch_size);
  // Sends more of the response; kProgress when all of it is sent.
  Io SendResponse();
  // Discards incoming bytes; kClosed at EOF, error, or after 64 KiB.
  Io Drain(char* scratch, std::size_t scratch_size);
  // Shuts the write side (TLS: close_notify first).
  void ShutdownWrite();
  // True when the connection failed (reset) while a request is pending;
  // an EOF only sets peer_closed.
  bool PeerGone();

  std::uint32_t want() const { return want_; }
  void set_want(std::uint32_t w) { want_ = w; }

  State state = State::kReading;
  std::string in;                    // received, not yet parsed
  HttpRequest request;               // kQueued, kDeferred, kWriting
  HttpResponse response;             // kWriting
  std::size_t sent = 0;              // of response.length
  bool close_after = false;          // close once the response is sent
  bool peer_closed = false;          // read EOF
  bool served_one = false;           // a response has been sent on it
  Clock::time_point deadline;        // when the current state times out
  Clock::time_point idle_since;      // the last response ended (or the accept)
  std::uint32_t registered = kNone;  // interest the poller has now
  std::size_t drained = 0;

 private:
  Io TlsResult(int ret);

  UniqueFd fd_;
  ssl_st* ssl_;
  std::uint64_t id_;
  std::uint32_t want_ = kRead;
};

}  // namespace ipv6ha
