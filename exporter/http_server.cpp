#include "exporter/http_server.h"

#include <CivetServer.h>
#include <arpa/inet.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace ipv6ha {
namespace {

constexpr char kMetricsType[] = "text/plain; version=0.0.4; charset=utf-8";

bool IsIpv4(const std::string& s) {
  in_addr a{};
  return inet_pton(AF_INET, s.c_str(), &a) == 1;
}
bool IsIpv6(const std::string& s) {
  in6_addr a{};
  return inet_pton(AF_INET6, s.c_str(), &a) == 1;
}

void Send(mg_connection* conn, int code, const char* reason,
          const std::string& type, const std::string& body,
          const std::string& extra_headers = "") {
  // One write for head and body: two small writes meet Nagle's algorithm and
  // delayed ACKs and cost 40 ms per keep-alive request.
  std::string response = "HTTP/1.1 " + std::to_string(code) + " " + reason +
                         "\r\nContent-Type: " + type +
                         "\r\nContent-Length: " + std::to_string(body.size()) +
                         "\r\nCache-Control: no-store\r\n"
                         "X-Content-Type-Options: nosniff\r\n" +
                         extra_headers + "\r\n";
  response += body;
  mg_write(conn, response.data(), response.size());
}

}  // namespace

Expected<std::string> CivetListeningPort(const std::string& listen, bool tls) {
  const std::string bad =
      "listen address \"" + listen +
      "\" must be HOST:PORT with an IP literal, e.g. [::]:9646 or 127.0.0.1:9646";
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return Error{bad};
  std::string host = listen.substr(0, colon);
  std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535) {
    return Error{bad};
  }
  std::string out;
  if (host.empty() || host == "[::]") {
    // Like Go's net.Listen, the wildcard is dual-stack: civetweb's "+PORT"
    // binds IPv6 [::] and IPv4 0.0.0.0 ("[::]:PORT" would be IPv6-only).
    out = "+" + port;
  } else if (host.front() == '[' && host.back() == ']') {
    if (!IsIpv6(host.substr(1, host.size() - 2))) return Error{bad};
    if (mg_check_feature(8) == 0) {
      return Error{"cannot listen on " + listen +
                   ": this civetweb library was built without IPv6; run "
                   "scripts/install-deps.sh or listen on an IPv4 address"};
    }
    out = host + ":" + port;
  } else if (IsIpv4(host)) {
    out = host + ":" + port;
  } else {
    return Error{bad};
  }
  return tls ? out + "s" : out;
}

struct HttpServer::Impl {
  HttpRoutes routes;
  std::shared_ptr<ExporterMetrics> metrics;
  BasicAuth auth{{}};
  WebConfig web;
  std::unique_ptr<CivetServer> server;
  std::vector<std::unique_ptr<CivetHandler>> handlers;
  std::mutex log_mutex;
  std::string last_error;  // civetweb's own words when start fails

  // Single-flight rendering of /metrics: a scrape that arrives while another
  // is rendering takes that rendering's text instead of starting its own.
  // Under a flood of concurrent scrapes (1,000 connections) this keeps the
  // work at one rendering at a time instead of one per connection, so the
  // result store's lock is never queued on by hundreds of threads and the
  // checks' workers publish on time. The text is at most one rendering old.
  std::mutex render_mutex;
  std::condition_variable render_done;
  bool rendering = false;
  std::uint64_t render_generation = 0;
  std::shared_ptr<const std::string> rendered;

  std::shared_ptr<const std::string> RenderMetrics() {
    std::unique_lock lock(render_mutex);
    if (rendering) {
      const std::uint64_t waiting_for = render_generation;
      render_done.wait(lock, [&] { return render_generation != waiting_for; });
      if (rendered) return rendered;
    }
    rendering = true;
    lock.unlock();
    std::shared_ptr<const std::string> text;
    try {
      text = std::make_shared<const std::string>(routes.metrics());
    } catch (...) {
      lock.lock();
      rendering = false;
      rendered.reset();
      ++render_generation;
      render_done.notify_all();
      throw;
    }
    lock.lock();
    rendering = false;
    rendered = text;
    ++render_generation;
    render_done.notify_all();
    return text;
  }
};

namespace {

// One endpoint: auth, then the route, then the request counter.
class Route : public CivetHandler {
 public:
  using Fn = std::function<int(mg_connection*)>;
  Route(HttpServer::Impl* impl, std::string name, Fn fn)
      : impl_(impl), name_(std::move(name)), fn_(std::move(fn)) {}

  bool handleGet(CivetServer*, mg_connection* conn) override {
    if (impl_->auth.enabled()) {
      const char* header = mg_get_header(conn, "Authorization");
      if (!impl_->auth.Verify(header ? header : "")) {
        Send(conn, 401, "Unauthorized", "text/plain; charset=utf-8",
             "Unauthorized\n",
             "WWW-Authenticate: Basic realm=\"ipv6_ha_exporter\"\r\n");
        impl_->metrics->RecordRequest(name_, 401);
        return true;
      }
    }
    int code = 500;
    try {
      code = fn_(conn);
    } catch (const std::exception& e) {
      spdlog::error("HTTP {}: {}", name_, e.what());
      Send(conn, 500, "Internal Server Error", "text/plain", "internal error\n");
    }
    impl_->metrics->RecordRequest(name_, code);
    return true;
  }

 private:
  HttpServer::Impl* impl_;
  std::string name_;
  Fn fn_;
};

int InitSsl(void* ssl_ctx, void* user_data) {
  auto* server = static_cast<CivetServer*>(user_data);
  auto* impl = static_cast<const HttpServer::Impl*>(server->getUserContext());
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  if (SSL_CTX_use_certificate_chain_file(ctx, impl->web.cert_file.c_str()) != 1) {
    spdlog::error("TLS: cannot load certificate {}", impl->web.cert_file);
    return -1;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, impl->web.key_file.c_str(),
                                  SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    spdlog::error("TLS: cannot load key {} (or it does not match the certificate)",
                  impl->web.key_file);
    return -1;
  }
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  return 1;  // context is ready; civetweb must not load files itself
}

int LogMessage(const mg_connection* conn, const char* message) {
  spdlog::debug("civetweb: {}", message);
  const mg_context* ctx = mg_get_context(conn);
  if (ctx == nullptr) return 1;
  auto* server = static_cast<CivetServer*>(mg_get_user_data(ctx));
  if (server == nullptr) return 1;
  auto* impl = const_cast<HttpServer::Impl*>(
      static_cast<const HttpServer::Impl*>(server->getUserContext()));
  std::lock_guard lock(impl->log_mutex);
  impl->last_error = message;
  return 1;
}

}  // namespace

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  if (impl_ && impl_->server) impl_->server->close();
}

std::vector<int> HttpServer::ports() const {
  std::vector<int> out;
  if (!impl_->server) return out;
  for (int p : impl_->server->getListeningPorts()) out.push_back(p);
  return out;
}

Expected<std::unique_ptr<HttpServer>> HttpServer::Start(
    const HttpServerOptions& options, HttpRoutes routes,
    std::shared_ptr<ExporterMetrics> metrics) {
  auto impl = std::make_unique<Impl>();
  impl->routes = std::move(routes);
  impl->metrics = std::move(metrics);
  impl->auth = BasicAuth(options.web.basic_auth_users);
  impl->web = options.web;

  std::string ports;
  for (const auto& l : options.listen) {
    auto port = CivetListeningPort(l, options.web.tls());
    if (!port) return port.error();
    ports += (ports.empty() ? "" : ",") + *port;
  }
  const std::string threads = std::to_string(options.web.max_connections);
  const std::string timeout = std::to_string(options.request_timeout_ms);
  std::vector<const char*> civet_options = {
      "listening_ports", ports.c_str(),
      "num_threads", threads.c_str(),
      "request_timeout_ms", timeout.c_str(),
      "keep_alive_timeout_ms", "5000",
      "enable_keep_alive", "yes",
      "listen_backlog", "512",
      "tcp_nodelay", "1",
      "decode_url", "yes",
      "enable_directory_listing", "no",
      "additional_header", "X-Frame-Options: DENY",
  };
  civet_options.push_back(nullptr);

  CivetCallbacks callbacks;
  callbacks.log_message = &LogMessage;
  if (options.web.tls()) callbacks.init_ssl = &InitSsl;
  try {
    impl->server = std::make_unique<CivetServer>(civet_options.data(), &callbacks,
                                                 impl.get());
  } catch (const CivetException& e) {
    std::lock_guard lock(impl->log_mutex);
    std::string why = impl->last_error.empty() ? e.what() : impl->last_error;
    while (!why.empty() && (why.back() == '\n' || why.back() == '\r')) why.pop_back();
    std::string all;
    for (const auto& l : options.listen) all += (all.empty() ? "" : ", ") + l;
    return Error{"cannot listen on " + all + ": " + why};
  }
  Impl* raw = impl.get();
  auto add = [&](const std::string& uri, const std::string& name, Route::Fn fn) {
    raw->handlers.push_back(std::make_unique<Route>(raw, name, std::move(fn)));
    raw->server->addHandler(uri, raw->handlers.back().get());
  };
  add("/metrics", "/metrics", [raw](mg_connection* conn) {
    auto body = raw->RenderMetrics();
    Send(conn, 200, "OK", kMetricsType, *body);
    return 200;
  });
  add("/api/v1/status", "/api/v1/status", [raw](mg_connection* conn) {
    Send(conn, 200, "OK", "application/json", raw->routes.status().dump(2) + "\n");
    return 200;
  });
  add("/-/healthy", "/-/healthy", [](mg_connection* conn) {
    Send(conn, 200, "OK", "text/plain; charset=utf-8", "Healthy\n");
    return 200;
  });
  add("/-/ready", "/-/ready", [raw](mg_connection* conn) {
    auto why = raw->routes.not_ready_reason();
    if (why) {
      Send(conn, 503, "Service Unavailable", "text/plain; charset=utf-8",
           "Not ready: " + *why + "\n");
      return 503;
    }
    Send(conn, 200, "OK", "text/plain; charset=utf-8", "Ready\n");
    return 200;
  });
  add("/", "/", [raw](mg_connection* conn) {
    const mg_request_info* info = mg_get_request_info(conn);
    if (std::string(info->local_uri ? info->local_uri : "/") != "/") {
      Send(conn, 404, "Not Found", "text/plain; charset=utf-8", "Not found\n");
      return 404;
    }
    Send(conn, 200, "OK", "text/html; charset=utf-8", raw->routes.landing_page());
    return 200;
  });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

}  // namespace ipv6ha
