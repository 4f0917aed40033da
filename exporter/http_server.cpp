#include "exporter/http_server.h"

#include <civetweb.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>
#include <strings.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <thread>

#include "exporter/listen_address.h"
#include "exporter/platform/thread_priority.h"
#include "exporter/platform/tls_server_credentials.h"
#include "exporter/status_document.h"

namespace ipv6ha {
namespace {

constexpr char kMetricsType[] = "text/plain; version=0.0.4; charset=utf-8";

// The status line and headers of a response with a body of `length` bytes.
std::string ResponseHead(int code, std::string_view reason,
                         std::string_view type, std::size_t length,
                         std::string_view extra_headers = {}) {
  std::string head = "HTTP/1.1 " + std::to_string(code) + " ";
  head.append(reason);
  head += "\r\nContent-Type: ";
  head.append(type);
  head += "\r\nContent-Length: " + std::to_string(length) +
          "\r\nCache-Control: no-store\r\n"
          "X-Content-Type-Options: nosniff\r\n"
          "X-Frame-Options: DENY\r\n";
  head.append(extra_headers);
  head += "\r\n";
  return head;
}

// Writes a whole response; a HEAD request gets the head alone. One write
// for head and body: two small writes meet Nagle's algorithm and delayed
// ACKs and cost 40 ms per keep-alive request.
void Send(mg_connection* conn, bool head_only, int code,
          std::string_view reason, std::string_view type, std::string_view body,
          std::string_view extra_headers = {}) {
  std::string response =
      ResponseHead(code, reason, type, body.size(), extra_headers);
  if (!head_only) response.append(body);
  mg_write(conn, response.data(), response.size());
}

}  // namespace

// How old a rendering of /metrics may be when it is served without waiting:
// to a scrape that arrives while the next rendering is under way, and to
// any scrape (which then asks for the next rendering in the background).
constexpr std::chrono::seconds kMaxStaleRendering{1};
constexpr std::chrono::milliseconds kFreshRendering{100};

// One rendering of /metrics as the bytes of a complete 200 response.
struct RenderedMetrics {
  std::string response;  // head and body
  std::size_t head_size = 0;
  std::chrono::steady_clock::time_point rendered_at;
};

struct Route;

struct HttpServer::Impl {
  HttpRoutes routes;
  std::shared_ptr<ExporterMetrics> metrics;
  BasicAuth auth{{}};
  WebConfig web;
  std::shared_ptr<const TlsServerCredentials> tls;  // when web.tls()
  mg_context* context = nullptr;
  std::vector<std::unique_ptr<Route>> handlers;
  std::mutex log_mutex;
  std::string last_error;  // civetweb's own words when start fails

  // /metrics is rendered by one thread of its own, on demand. A scrape takes
  // the last finished rendering if it is under kFreshRendering old (and
  // asks for the next one in the background), or under kMaxStaleRendering
  // old while the next one is under way; otherwise it asks for a rendering
  // and waits for it. Scrapes further apart than kFreshRendering, as
  // Prometheus' are, always get a rendering that started after they came.
  //
  // Under a flood of scrapes (1,000 connections) the workers only copy
  // finished bytes: nobody queues on the result store's lock or on each
  // other, and the checks' workers publish on time. Rendering on one thread
  // also keeps its allocations in one thread's malloc cache: rendered on
  // whichever worker came first, every worker's cache ended up holding
  // freed rendering chunks, 12 MiB over 1,000 workers (docs/reliability.md).
  std::mutex render_mutex;
  std::condition_variable render_wanted;  // to the renderer
  std::condition_variable render_done;    // to the scrapes
  bool want_render = false;
  bool rendering = false;
  bool stop_renderer = false;
  std::uint64_t render_generation = 0;  // finished renderings
  std::exception_ptr render_error;      // of the last rendering, if it threw
  std::thread renderer;
  // The last finished rendering (null after one that threw), and whether one
  // is asked for or under way (want_render || rendering), for the path most
  // scrapes take, where readers do not exclude each other: with 1,000
  // runnable workers, one preempted while it held render_mutex stalled every
  // other scrape. (Not std::atomic<std::shared_ptr>: libstdc++ guards it
  // with a spin lock, and 1,000 workers spinning on a preempted holder
  // stalled scrapes for 300 ms.)
  std::shared_mutex latest_mutex;
  std::shared_ptr<const RenderedMetrics> latest;
  std::atomic<bool> busy{false};

  std::shared_ptr<const RenderedMetrics> Latest() {
    std::shared_lock lock(latest_mutex);
    return latest;
  }

  // Whether `r` may be served without waiting, given whether the next
  // rendering is asked for or under way.
  static bool Servable(const std::shared_ptr<const RenderedMetrics>& r,
                       bool asked) {
    return r && std::chrono::steady_clock::now() - r->rendered_at <
                    (asked ? kMaxStaleRendering : kFreshRendering);
  }

  std::shared_ptr<const RenderedMetrics> Metrics() {
    if (auto cur = Latest(); Servable(cur, busy.load())) {
      AskForRendering();  // keep it fresh for the next scrape
      return cur;
    }
    std::unique_lock lock(render_mutex);
    // A rendering may have finished since: look again under the lock.
    const bool asked = rendering || want_render;
    if (auto cur = Latest(); Servable(cur, asked)) {
      if (!asked) AskForRenderingLocked();
      return cur;
    }
    // The rendering asked for or under way, or else the next one.
    const std::uint64_t wait_for = render_generation + 1;
    if (!asked) AskForRenderingLocked();
    render_done.wait(lock, [&] { return render_generation >= wait_for; });
    if (render_error) std::rethrow_exception(render_error);
    return Latest();
  }

  // Asks for the next rendering unless one is asked for or under way; the
  // flag is read first so that a flood of scrapes does not queue on the lock.
  void AskForRendering() {
    if (busy.load()) return;
    std::lock_guard lock(render_mutex);
    if (!want_render && !rendering) AskForRenderingLocked();
  }
  void AskForRenderingLocked() {
    want_render = true;
    busy = true;
    render_wanted.notify_one();
  }

  void RenderLoop() {
    std::unique_lock lock(render_mutex);
    for (;;) {
      render_wanted.wait(lock, [&] { return want_render || stop_renderer; });
      if (stop_renderer) return;
      want_render = false;
      rendering = true;
      lock.unlock();
      std::shared_ptr<RenderedMetrics> text;
      std::exception_ptr error;
      try {
        text = std::make_shared<RenderedMetrics>();
        const std::string body = routes.metrics();
        text->response = ResponseHead(200, "OK", kMetricsType, body.size());
        text->head_size = text->response.size();
        text->response += body;
        text->rendered_at = std::chrono::steady_clock::now();
      } catch (...) {
        error = std::current_exception();
        text.reset();
      }
      lock.lock();
      rendering = false;
      {
        std::unique_lock publish(latest_mutex);
        latest = std::move(text);
      }
      busy = want_render;
      render_error = error;
      ++render_generation;
      render_done.notify_all();
    }
  }

  void StopRenderer() {
    {
      std::lock_guard lock(render_mutex);
      stop_renderer = true;
    }
    render_wanted.notify_one();
    if (renderer.joinable()) renderer.join();
  }
};

namespace {

// The status codes an endpoint answers with; each gets its request counter
// resolved once (looking the labels up per request takes the metric
// family's lock, which a thousand workers would queue on).
constexpr std::array<int, 6> kCodes = {200, 401, 404, 405, 500, 503};

}  // namespace

namespace {

// True when the request carries exactly one Authorization header and it
// verifies. civetweb's mg_get_header gives the first of several, so a
// second header (one right, one wrong) must fail the request by itself.
bool Authorized(const mg_connection* conn, const BasicAuth& auth) {
  const mg_request_info* info = mg_get_request_info(conn);
  const char* value = nullptr;
  for (int i = 0; i < info->num_headers; ++i) {
    if (strcasecmp(info->http_headers[i].name, "Authorization") != 0) continue;
    if (value != nullptr) return false;
    value = info->http_headers[i].value;
  }
  return auth.Verify(value ? value : "");
}

}  // namespace

// One endpoint: method, auth, then the route, then the request counter.
struct Route {
  // Writes the response (head only for HEAD); returns its status code.
  using Fn = std::function<int(mg_connection*, bool head_only)>;

  HttpServer::Impl* impl;
  std::string name;
  Fn fn;
  std::array<std::atomic<prometheus::Counter*>, kCodes.size()> counters{};

  void Count(int code) {
    for (std::size_t i = 0; i < kCodes.size(); ++i) {
      if (kCodes[i] != code) continue;
      prometheus::Counter* counter =
          counters[i].load(std::memory_order_acquire);
      if (counter == nullptr) {
        counter = &impl->metrics->RequestCounter(name, code);
        counters[i].store(counter, std::memory_order_release);
      }
      counter->Increment();
      return;
    }
    impl->metrics->RecordRequest(name, code);
  }

  int Handle(mg_connection* conn) {
    const mg_request_info* info = mg_get_request_info(conn);
    const std::string_view method =
        info->request_method ? info->request_method : "";
    const bool head_only = method == "HEAD";
    int code = 500;
    if (!head_only && method != "GET") {
      // No endpoint changes state.
      Send(conn, false, 405, "Method Not Allowed", "text/plain; charset=utf-8",
           "Method not allowed\n", "Allow: GET, HEAD\r\n");
      code = 405;
    } else if (impl->auth.enabled() && !Authorized(conn, impl->auth)) {
      Send(conn, head_only, 401, "Unauthorized", "text/plain; charset=utf-8",
           "Unauthorized\n",
           "WWW-Authenticate: Basic realm=\"ipv6_ha_exporter\"\r\n");
      code = 401;
    } else {
      try {
        code = fn(conn, head_only);
      } catch (const std::exception& e) {
        spdlog::error("HTTP {}: {}", name, e.what());
        Send(conn, head_only, 500, "Internal Server Error", "text/plain",
             "internal error\n");
        code = 500;
      }
    }
    Count(code);
    return code;
  }
};

namespace {

int HandleRequest(mg_connection* conn, void* route) {
  return static_cast<Route*>(route)->Handle(conn);
}

HttpServer::Impl* ImplOf(const mg_context* ctx) {
  return ctx ? static_cast<HttpServer::Impl*>(mg_get_user_data(ctx)) : nullptr;
}

int InitSsl(void* ssl_ctx, void* user_data) {
  const auto* impl = static_cast<const HttpServer::Impl*>(user_data);
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  // Read and checked before mg_start (TlsServerCredentials::Load), so
  // OpenSSL never opens the files: a FIFO there cannot block the start.
  if (Status st = impl->tls->Install(ctx); !st) {
    spdlog::error("{}", st.error().message);
    return -1;
  }
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  return 1;  // context is ready; civetweb must not load files itself
}

int LogMessage(const mg_connection* conn, const char* message) {
  spdlog::debug("civetweb: {}", message);
  HttpServer::Impl* impl = ImplOf(mg_get_context(conn));
  if (impl == nullptr) return 1;
  std::lock_guard lock(impl->log_mutex);
  impl->last_error = message;
  return 1;
}

// Workers serving connections run 5 nice levels below the rest of the
// process: under a flood of connections (one runnable worker each) the
// checks' workers and the prober still get the CPU when they wake, so the
// check cadence holds (docs/reliability.md).
constexpr int kWorkerNiceSteps = 5;

void* InitThread(const mg_context*, int thread_type) {
  if (thread_type == 1) LowerThreadPriority(kWorkerNiceSteps);
  return nullptr;
}

}  // namespace

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  if (!impl_) return;
  // Workers may be waiting for a rendering: stop them before the renderer.
  if (impl_->context) mg_stop(impl_->context);
  impl_->StopRenderer();
}

std::vector<int> HttpServer::ports() const {
  std::vector<int> out;
  if (!impl_->context) return out;
  std::array<mg_server_port, 16> ports{};
  const int n = mg_get_server_ports(
      impl_->context, static_cast<int>(ports.size()), ports.data());
  for (int i = 0; i < n; ++i)
    out.push_back(ports[static_cast<std::size_t>(i)].port);
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
      "listening_ports",
      ports.c_str(),
      "num_threads",
      threads.c_str(),
      "request_timeout_ms",
      timeout.c_str(),
      "keep_alive_timeout_ms",
      "5000",
      "enable_keep_alive",
      "yes",
      "listen_backlog",
      "512",
      "tcp_nodelay",
      "1",
      "decode_url",
      "yes",
      "enable_directory_listing",
      "no",
  };
  civet_options.push_back(nullptr);

  impl->renderer = std::thread([raw = impl.get()] { raw->RenderLoop(); });
  mg_callbacks callbacks{};
  callbacks.log_message = &LogMessage;
  callbacks.init_thread = &InitThread;
  if (options.web.tls()) {
    auto tls =
        TlsServerCredentials::Load(options.web.cert_file, options.web.key_file);
    if (!tls) {
      impl->StopRenderer();
      return Error{"cannot serve TLS: " + tls.error().message};
    }
    impl->tls = *tls;
    callbacks.init_ssl = &InitSsl;
  }
  impl->context = mg_start(&callbacks, impl.get(), civet_options.data());
  if (impl->context == nullptr) {
    impl->StopRenderer();
    std::lock_guard lock(impl->log_mutex);
    std::string why = impl->last_error.empty() ? "civetweb could not start"
                                               : impl->last_error;
    while (!why.empty() && (why.back() == '\n' || why.back() == '\r'))
      why.pop_back();
    std::string all;
    for (const auto& l : options.listen) all += (all.empty() ? "" : ", ") + l;
    return Error{"cannot listen on " + all + ": " + why};
  }
  Impl* raw = impl.get();
  auto add = [&](const char* uri, Route::Fn fn) {
    raw->handlers.push_back(std::make_unique<Route>());
    Route& route = *raw->handlers.back();
    route.impl = raw;
    route.name = uri;
    route.fn = std::move(fn);
    mg_set_request_handler(raw->context, uri, &HandleRequest, &route);
  };
  add("/metrics", [raw](mg_connection* conn, bool head_only) {
    auto rendered = raw->Metrics();
    mg_write(conn, rendered->response.data(),
             head_only ? rendered->head_size : rendered->response.size());
    return 200;
  });
  add("/api/v1/status", [raw](mg_connection* conn, bool head_only) {
    Send(conn, head_only, 200, "OK", "application/json",
         DumpStatusDocument(raw->routes.status()));
    return 200;
  });
  add("/-/healthy", [](mg_connection* conn, bool head_only) {
    Send(conn, head_only, 200, "OK", "text/plain; charset=utf-8", "Healthy\n");
    return 200;
  });
  add("/-/ready", [raw](mg_connection* conn, bool head_only) {
    auto why = raw->routes.not_ready_reason();
    if (why) {
      Send(conn, head_only, 503, "Service Unavailable",
           "text/plain; charset=utf-8", "Not ready: " + *why + "\n");
      return 503;
    }
    Send(conn, head_only, 200, "OK", "text/plain; charset=utf-8", "Ready\n");
    return 200;
  });
  add("/", [raw](mg_connection* conn, bool head_only) {
    const mg_request_info* info = mg_get_request_info(conn);
    if (std::string_view(info->local_uri ? info->local_uri : "/") != "/") {
      Send(conn, head_only, 404, "Not Found", "text/plain; charset=utf-8",
           "Not found\n");
      return 404;
    }
    Send(conn, head_only, 200, "OK", "text/html; charset=utf-8",
         raw->routes.landing_page());
    return 200;
  });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

}  // namespace ipv6ha
