#pragma once

// The exporter's HTTP endpoints: /metrics, /, /api/v1/status, /-/healthy,
// /-/ready, served by HttpLoop (exporter/http/http_loop.h: one event
// thread, two workers, fair turns between connections). Routing, basic
// auth, response headers and request metrics live here; what each endpoint
// shows comes from HttpRoutes. No endpoint changes state.
//
// /metrics is rendered on a thread of its own and served as finished bytes;
// a verified Authorization header is remembered, so a scrape is answered on
// the loop thread without waiting for anything.
//
// Thread safety: Reconfigure may be called from any thread. Stopping
// happens in the destructor (joins every thread; the listeners stay open,
// they belong to the caller).

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "exporter/base/expected.h"
#include "exporter/config/web_config.h"
#include "exporter/exporter_metrics.h"

namespace ipv6ha {

class HttpLoop;

struct HttpRoutes {
  std::function<std::string()> metrics;    // text exposition format
  std::function<nlohmann::json()> status;  // /api/v1/status
  std::function<std::optional<std::string>()>
      not_ready_reason;                       // nullopt = ready
  std::function<std::string()> landing_page;  // HTML
};

struct HttpServerOptions {
  // Listening sockets (listen_socket.h, systemd_socket.h); not owned.
  std::vector<int> listeners;
  WebConfig web;
};

class HttpServer {
 public:
  static Expected<std::unique_ptr<HttpServer>> Start(
      const HttpServerOptions& options, HttpRoutes routes,
      std::shared_ptr<ExporterMetrics> metrics);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // TLS context, basic auth and headers of `web` for the requests and
  // connections that follow (open TLS connections keep their session).
  // max_connections takes effect at the next Start.
  void Reconfigure(const WebConfig& web);

  // The TCP ports of the listeners (useful with port 0).
  std::vector<int> ports() const;

  struct Impl;

 private:
  HttpServer(std::shared_ptr<Impl> impl, std::unique_ptr<HttpLoop> loop);
  std::shared_ptr<Impl> impl_;
  std::unique_ptr<HttpLoop> loop_;
};

}  // namespace ipv6ha
