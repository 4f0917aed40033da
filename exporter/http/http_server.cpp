#include "exporter/http/http_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <string_view>

#include "exporter/http/basic_auth.h"
#include "exporter/http/http_request.h"
#include "exporter/http/metrics_renderer.h"
#include "exporter/platform/listen_socket.h"

namespace ipv6ha {
namespace {

constexpr char kTextType[] = "text/plain; charset=utf-8";

// The status codes an endpoint answers with; each gets its request counter
// resolved once (looking the labels up per request takes the metric
// family's lock).
constexpr std::array<int, 6> kCodes = {200, 401, 404, 405, 500, 503};

// What the web config decides per request; replaced whole on Reconfigure.
struct WebSettings {
  explicit WebSettings(const HttpSiteConfig& web)
      : auth(web.basic_auth_users),
        excluded(web.basic_auth_excluded_paths),
        headers(ExtraHeaders(web)) {}

  // Headers of every response: ours, then those the web config sets
  // (which replace ours of the same name).
  static std::string ExtraHeaders(const HttpSiteConfig& web) {
    std::map<std::string, std::string> all = {
        {"X-Content-Type-Options", "nosniff"}, {"X-Frame-Options", "DENY"}};
    for (const auto& [name, value] : web.headers) all[name] = value;
    std::string out = "Cache-Control: no-store\r\n";
    for (const auto& [name, value] : all) {
      out.append(name).append(": ").append(value).append("\r\n");
    }
    return out;
  }

  bool NeedsAuth(const std::string& path) const {
    return auth.enabled() &&
           std::find(excluded.begin(), excluded.end(), path) == excluded.end();
  }

  BasicAuth auth;
  std::vector<std::string> excluded;
  std::string headers;
};

HttpResponse Respond(const WebSettings& s, bool head_only, int code,
                     std::string_view reason, std::string_view type,
                     std::string_view body, std::string_view extra = {}) {
  return MakeHttpResponse(code, reason, type, body,
                          s.headers + std::string(extra), head_only);
}

}  // namespace

// One endpoint: its name (the metric's handler label), how it answers on
// the loop thread (may be absent or decline), and how on a worker.
struct Route {
  using Fast =
      std::function<std::optional<HttpResponse>(const WebSettings&, bool)>;
  using Slow =
      std::function<HttpResponse(const WebSettings&, const HttpRequest&, bool)>;
  std::string name;
  Fast fast;
  Slow slow;
  std::array<std::atomic<prometheus::Counter*>, kCodes.size()> counters{};
};

struct HttpServer::Impl : HttpHandler {
  HttpRoutes routes;
  RequestCounters request_counters;
  std::vector<int> listeners;
  std::mutex settings_mutex;
  std::shared_ptr<const WebSettings> settings;
  std::unique_ptr<MetricsRenderer> renderer;
  std::vector<std::unique_ptr<Route>> table;  // "/" last: it takes 404s

  std::shared_ptr<const WebSettings> Settings() {
    std::lock_guard lock(settings_mutex);
    return settings;
  }

  Route& Find(const std::string& path) {
    for (auto& r : table) {
      if (r->name == path) return *r;
    }
    return *table.back();  // "/": the landing page, or 404
  }

  void Count(Route& route, int code) {
    for (std::size_t i = 0; i < kCodes.size(); ++i) {
      if (kCodes[i] != code) continue;
      prometheus::Counter* c =
          route.counters[i].load(std::memory_order_acquire);
      if (c == nullptr) {
        c = &request_counters(route.name, code);
        route.counters[i].store(c, std::memory_order_release);
      }
      c->Increment();
      return;
    }
    request_counters(route.name, code).Increment();
  }

  static int Code(const HttpResponse& r) {
    // "HTTP/1.1 200 ..." : the three digits after the first space.
    return std::atoi(r.bytes->c_str() + 9);
  }

  HttpResponse Counted(Route& route, HttpResponse r) {
    Count(route, Code(r));
    return r;
  }

  // Answers that need no route: wrong method, missing or doubled auth.
  std::optional<HttpResponse> Refusal(const WebSettings& s,
                                      const HttpRequest& req,
                                      bool* auth_pending) {
    const bool head_only = req.method == "HEAD";
    if (!head_only && req.method != "GET") {
      return Respond(s, false, 405, "Method Not Allowed", kTextType,
                     "Method not allowed\n", "Allow: GET, HEAD\r\n");
    }
    if (!s.NeedsAuth(req.path)) return std::nullopt;
    // Exactly one Authorization header: a second one (one right, one
    // wrong) fails the request by itself.
    const auto values = req.HeaderValues("Authorization");
    if (values.size() == 1 &&
        (auth_pending == nullptr ? s.auth.Verify(values.front())
                                 : s.auth.VerifiedBefore(values.front()))) {
      return std::nullopt;
    }
    if (values.size() == 1 && auth_pending != nullptr) {
      *auth_pending = true;  // bcrypt decides, on a worker
      return std::nullopt;
    }
    return Respond(s, head_only, 401, "Unauthorized", kTextType,
                   "Unauthorized\n",
                   "WWW-Authenticate: Basic realm=\"ipv6_ha_exporter\"\r\n");
  }

  std::optional<HttpResponse> Answer(const HttpRequest& req) override {
    auto s = Settings();
    Route& route = Find(req.path);
    bool auth_pending = false;
    if (auto refused = Refusal(*s, req, &auth_pending)) {
      return Counted(route, std::move(*refused));
    }
    if (auth_pending || !route.fast) return std::nullopt;
    auto r = route.fast(*s, req.method == "HEAD");
    if (r) Count(route, Code(*r));
    return r;
  }

  HttpResponse AnswerSlowly(const HttpRequest& req) override {
    auto s = Settings();
    Route& route = Find(req.path);
    if (auto refused = Refusal(*s, req, nullptr)) {
      return Counted(route, std::move(*refused));
    }
    try {
      return Counted(route, route.slow(*s, req, req.method == "HEAD"));
    } catch (const std::exception& e) {
      spdlog::error("HTTP {}: {}", route.name, e.what());
      return Counted(
          route, Respond(*s, req.method == "HEAD", 500, "Internal Server Error",
                         kTextType, "internal error\n"));
    }
  }

  void AddRoute(std::string name, Route::Fast fast, Route::Slow slow) {
    auto r = std::make_unique<Route>();
    r->name = std::move(name);
    r->fast = std::move(fast);
    r->slow = std::move(slow);
    table.push_back(std::move(r));
  }

  void AddRoutes();
};

void HttpServer::Impl::AddRoutes() {
  AddRoute(
      "/metrics",
      [this](const WebSettings&,
             bool head_only) -> std::optional<HttpResponse> {
        auto r = renderer->Latest();
        if (!r) return std::nullopt;  // waits for a rendering, on a worker
        return HttpResponse{r->bytes,
                            head_only ? r->head_size : r->bytes->size()};
      },
      [this](const WebSettings&, const HttpRequest&, bool head_only) {
        auto r = renderer->Wait();
        return HttpResponse{r->bytes,
                            head_only ? r->head_size : r->bytes->size()};
      });
  AddRoute("/api/v1/status", nullptr,
           [this](const WebSettings& s, const HttpRequest&, bool head_only) {
             return Respond(s, head_only, 200, "OK", "application/json",
                            routes.status());
           });
  AddRoute(
      "/-/healthy",
      [](const WebSettings& s, bool head_only) -> std::optional<HttpResponse> {
        return Respond(s, head_only, 200, "OK", kTextType, "Healthy\n");
      },
      nullptr);
  AddRoute("/-/ready", nullptr,
           [this](const WebSettings& s, const HttpRequest&, bool head_only) {
             if (auto why = routes.not_ready_reason()) {
               return Respond(s, head_only, 503, "Service Unavailable",
                              kTextType, "Not ready: " + *why + "\n");
             }
             return Respond(s, head_only, 200, "OK", kTextType, "Ready\n");
           });
  AddRoute(
      "/", nullptr,  // the landing page and 404s, on a worker
      [this](const WebSettings& s, const HttpRequest& req, bool head_only) {
        if (req.path != "/") {
          return Respond(s, head_only, 404, "Not Found", kTextType,
                         "Not found\n");
        }
        return Respond(s, head_only, 200, "OK", "text/html; charset=utf-8",
                       routes.landing_page());
      });
}

HttpServer::HttpServer(std::shared_ptr<Impl> impl,
                       std::unique_ptr<HttpLoop> loop)
    : impl_(std::move(impl)), loop_(std::move(loop)) {}

HttpServer::~HttpServer() {
  loop_.reset();  // its workers may wait for a rendering: before the renderer
  impl_->renderer.reset();
}

void HttpServer::Reconfigure(const HttpSiteConfig& web) {
  {
    std::lock_guard lock(impl_->settings_mutex);
    impl_->settings = std::make_shared<const WebSettings>(web);
  }
  impl_->renderer->SetExtraHeaders(impl_->Settings()->headers);
  loop_->SetTls({web.tls_context});
}

std::vector<int> HttpServer::ports() const {
  std::vector<int> out;
  for (int fd : impl_->listeners) out.push_back(ListenerPort(fd));
  return out;
}

Expected<std::unique_ptr<HttpServer>> HttpServer::Start(
    const HttpServerOptions& options, HttpRoutes routes,
    RequestCounters counters) {
  if (options.listeners.empty()) return Error{"no address to listen on"};
  auto impl = std::make_shared<Impl>();
  impl->routes = std::move(routes);
  impl->request_counters = std::move(counters);
  impl->listeners = options.listeners;
  impl->settings = std::make_shared<const WebSettings>(options.web);
  impl->renderer = std::make_unique<MetricsRenderer>(impl->routes.metrics,
                                                     impl->settings->headers);
  impl->AddRoutes();
  HttpLoopOptions loop_options;
  loop_options.max_connections = options.web.max_connections;
  auto loop = HttpLoop::Start(options.listeners, loop_options, impl,
                              {options.web.tls_context});
  if (!loop) return loop.error();
  return std::unique_ptr<HttpServer>(new HttpServer(impl, std::move(*loop)));
}

}  // namespace ipv6ha
