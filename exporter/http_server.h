#pragma once

// The exporter's HTTP endpoints on civetweb: /metrics, /, /api/v1/status,
// /-/healthy, /-/ready, on civetweb's C API (the C++ wrapper is not in
// every platform's civetweb package). Routing, basic auth, TLS and request
// metrics live here; what each endpoint shows comes from HttpRoutes. No
// endpoint changes state. Stopping happens in the destructor (joins civetweb's
// threads).

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "exporter/base/expected.h"
#include "exporter/basic_auth.h"
#include "exporter/config/config.h"
#include "exporter/exporter_metrics.h"
#include "exporter/listen_address.h"

namespace ipv6ha {

struct HttpRoutes {
  std::function<std::string()> metrics;    // text exposition format
  std::function<nlohmann::json()> status;  // /api/v1/status
  std::function<std::optional<std::string>()>
      not_ready_reason;                       // nullopt = ready
  std::function<std::string()> landing_page;  // HTML
};

struct HttpServerOptions {
  std::vector<std::string> listen;  // "[::]:9646", "127.0.0.1:9646"
  WebConfig web;
  // Worker threads are web.max_connections: civetweb serves each connection
  // on one worker, and a keep-alive or half-open connection holds it. The
  // default (64) keeps an idle exporter small; an exporter reachable by many
  // clients raises it (1,536 for 1,000 busy plus 500 idle clients costs
  // ~25 MiB, docs/reliability.md).
  // Bounds how long a client may take to send its request head (and how
  // long one idle half-open connection holds a worker): a scrape's head is
  // a few hundred bytes sent at once.
  int request_timeout_ms = 5000;
};

class HttpServer {
 public:
  // Binds every address or fails with a sentence naming the one that failed.
  static Expected<std::unique_ptr<HttpServer>> Start(
      const HttpServerOptions& options, HttpRoutes routes,
      std::shared_ptr<ExporterMetrics> metrics);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The TCP ports civetweb actually bound (useful with port 0).
  std::vector<int> ports() const;

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ipv6ha
