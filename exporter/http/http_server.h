#pragma once

// The exporter's HTTP endpoints: /metrics, /, /api/v1/status, /-/healthy,
// /-/ready, served by HttpLoop (exporter/http/http_loop.h: one event
// thread, two workers, fair turns between connections). Routing, basic
// auth, response headers and request metrics live here; what each endpoint
// shows comes from HttpRoutes, the web settings from HttpSiteConfig and the
// request counters from the caller. No endpoint changes state.
//
// /metrics is rendered on a thread of its own and served as finished bytes;
// a verified Authorization header is remembered, so a scrape is answered on
// the loop thread without waiting for anything.
//
// Thread safety: Reconfigure may be called from any thread. Stopping
// happens in the destructor (joins every thread; the listeners stay open,
// they belong to the caller).

#include <prometheus/counter.h>

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exporter/base/expected.h"
#include "exporter/http/http_loop.h"

struct ssl_ctx_st;  // SSL_CTX

namespace ipv6ha {

struct HttpRoutes {
  std::function<std::string()> metrics;  // text exposition format
  std::function<std::string()> status;   // /api/v1/status, JSON text
  std::function<std::optional<std::string>()>
      not_ready_reason;                       // nullopt = ready
  std::function<std::string()> landing_page;  // HTML
};

// What the server takes of the web config (exporter/config/web_config.h
// holds the file's whole schema; the daemon copies these fields from it).
struct HttpSiteConfig {
  std::shared_ptr<ssl_ctx_st> tls_context;  // null: plain HTTP
  // Added to every response; they replace ours of the same name.
  std::map<std::string, std::string> headers;
  std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt
  std::vector<std::string> basic_auth_excluded_paths;
  // Open connections at most; beyond it the one idle longest is closed.
  // The daemon always sets it from the web config (whose default is
  // kDefaultMaxConnections); this default is the loop's own, for tests.
  std::size_t max_connections = HttpLoopOptions{}.max_connections;
};

// The counter of requests to one handler ("/metrics", ...) answered with
// one status code, created on first use (ExporterMetrics::RequestCounter).
// The reference must stay valid while the server runs: the server keeps it
// instead of looking the labels up on every request.
using RequestCounters =
    std::function<prometheus::Counter&(const std::string& handler, int code)>;

struct HttpServerOptions {
  // Listening sockets (listen_socket.h, systemd_socket.h); not owned.
  std::vector<int> listeners;
  HttpSiteConfig web;
};

class HttpServer {
 public:
  static Expected<std::unique_ptr<HttpServer>> Start(
      const HttpServerOptions& options, HttpRoutes routes,
      RequestCounters counters);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // TLS context, basic auth and headers of `web` for the requests and
  // connections that follow (open TLS connections keep their session).
  // max_connections takes effect at the next Start.
  void Reconfigure(const HttpSiteConfig& web);

  // The TCP ports of the listeners (useful with port 0).
  std::vector<int> ports() const;

  struct Impl;

 private:
  HttpServer(std::shared_ptr<Impl> impl, std::unique_ptr<HttpLoop> loop);
  std::shared_ptr<Impl> impl_;
  std::unique_ptr<HttpLoop> loop_;
};

}  // namespace ipv6ha
