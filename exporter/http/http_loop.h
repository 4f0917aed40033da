#pragma once

// Serves HTTP/1.1 on listening sockets from one event thread, with a small
// pool of worker threads for answers that may block. This is the
// exporter's connection model (docs/reliability.md, "HTTP connections"):
//
//  - A connection costs a few hundred bytes while it waits, not a thread:
//    idle keep-alive, silent and half-open connections hold nothing that a
//    scrape needs. Each state has a timeout (head, idle, write); when
//    max_connections are open, the one idle longest is closed to admit a
//    new one.
//  - Fair turns. A request that arrives on a connection that was quiet for
//    kFreshGap or more (every Prometheus scrape, the peer's poll, a new
//    connection's first request) is answered in the loop's next turn;
//    requests fired back to back on busy connections wait in a queue, and
//    kBusyPerTurn of them are answered every kBusyTurnEvery (16,000 a
//    second). So a flood of busy clients costs a scrape at most one turn,
//    and the loop leaves CPU to the checks and sleeps between busy turns,
//    which lets the scheduler wake it at once for a fresh request.
//  - Handlers answer on the loop thread when they can do so without
//    blocking (finished /metrics bytes, /-/healthy); otherwise the request
//    goes to a worker (bcrypt, rendering, the status document) and the
//    connection waits without holding the loop.
//
// TLS: with a context set, new connections are TLS (OpenSSL, non-blocking);
// SetTls swaps it for the connections that follow (certificate rotation),
// open ones keep theirs.
//
// Thread safety: SetTls and the destructor may be called from any thread;
// handlers run on the loop thread (Answer) and on workers (AnswerSlowly).

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "exporter/base/expected.h"
#include "exporter/http/http_connection.h"
#include "exporter/http/http_request.h"

struct ssl_ctx_st;  // SSL_CTX

namespace ipv6ha {

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // On the loop thread; must not block. nullopt: answer on a worker.
  virtual std::optional<HttpResponse> Answer(const HttpRequest& request) = 0;
  // On a worker thread; may block.
  virtual HttpResponse AnswerSlowly(const HttpRequest& request) = 0;
};

struct HttpLoopOptions {
  std::size_t max_connections = 1024;
  // From a connection's start (or the end of its previous response, once
  // it has sent bytes of the next head) until its request head is complete:
  // bounds slowloris and silent connections.
  std::chrono::milliseconds head_timeout{5000};
  // A keep-alive connection without a request in flight.
  std::chrono::milliseconds idle_timeout{60000};
  // A client that does not read its response.
  std::chrono::milliseconds write_timeout{10000};
  int workers = 2;
  // The loop and its workers run this many nice levels below the rest of
  // the process, so a flood takes CPU from HTTP, not from the checks.
  int nice_steps = 5;
};

// A TLS context for the connections that follow; shared with open ones.
struct TlsServerContextRef {
  std::shared_ptr<ssl_ctx_st> ctx;  // null: plain HTTP
};

class HttpLoop {
 public:
  // Serves on `listeners` (listening, non-blocking sockets; not owned: the
  // caller keeps them open until the loop is destroyed).
  static Expected<std::unique_ptr<HttpLoop>> Start(
      std::vector<int> listeners, HttpLoopOptions options,
      std::shared_ptr<HttpHandler> handler, TlsServerContextRef tls);
  ~HttpLoop();
  HttpLoop(const HttpLoop&) = delete;
  HttpLoop& operator=(const HttpLoop&) = delete;

  void SetTls(TlsServerContextRef tls);

  struct Impl;

 private:
  explicit HttpLoop(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Requests from busy connections answered per busy turn, and how often.
inline constexpr std::size_t kBusyPerTurn = 16;
inline constexpr std::chrono::milliseconds kBusyTurnEvery{1};
// New connections accepted per listener per turn.
inline constexpr std::size_t kAcceptsPerTurn = 64;
// A connection quiet for this long before its request counts as fresh.
inline constexpr std::chrono::milliseconds kFreshGap{20};

}  // namespace ipv6ha
