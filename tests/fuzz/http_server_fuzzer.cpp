// Fuzzes the HTTP server end to end: each input is sent as raw bytes to a
// real HttpServer (our HTTP loop, routes and basic auth) on 127.0.0.1, the
// write side is shut, and the reply is read. The server must answer or close,
// never crash, and must keep answering a well-formed request afterwards.
//
// Every layer is ours and instrumented: the request-head parser (fuzzed
// alone by fuzz_http_request), the connection state machine, routing and
// basic auth; ASan/UBSan watch all of it on every malformed request.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>

#include "exporter/exporter_metrics.h"
#include "exporter/http/http_server.h"
#include "exporter/platform/listen_socket.h"

namespace {

// bcrypt of "secret" at cost 4: cheap enough for thousands of requests/s.
constexpr char kHash[] =
    "$2b$04$NO.6chsCGrE/QErbkxa/te1Th43EFAojEAvkNRS1tpfFa7ztrOq2G";

int ServerPort() {
  static std::unique_ptr<ipv6ha::HttpServer> server = [] {
    signal(SIGPIPE, SIG_IGN);
    static ipv6ha::UniqueFd listener = [] {
      auto fd = ipv6ha::ListenTcp("127.0.0.1", 0);
      if (!fd) abort();
      return std::move(*fd);
    }();
    ipv6ha::HttpServerOptions options;
    options.listeners = {listener.get()};
    options.web.basic_auth_users = {{"prometheus", kHash}};
    options.web.max_connections = 16;
    ipv6ha::HttpRoutes routes;
    routes.metrics = [] { return std::string("ipv6_ha_up 1\n"); };
    routes.status = [] { return std::string(R"({"node":"fuzz"})"); };
    routes.not_ready_reason = [] { return std::optional<std::string>(); };
    routes.landing_page = [] { return std::string("<html></html>"); };
    auto metrics = std::make_shared<ipv6ha::ExporterMetrics>();
    auto started = ipv6ha::HttpServer::Start(
        options, std::move(routes),
        std::bind_front(&ipv6ha::ExporterMetrics::RequestCounter, metrics));
    if (!started) abort();
    return std::move(*started);
  }();
  return server->ports().at(0);
}

// Sends `request`, closes the write side, reads until EOF. Returns the reply.
std::string Exchange(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) abort();
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string reply;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    (void)send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    shutdown(fd, SHUT_WR);
    char buf[16384];
    for (;;) {
      ssize_t n = recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) break;
      reply.append(buf, static_cast<std::size_t>(n));
    }
  }
  close(fd);
  return reply;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  if (size > 16 * 1024) return -1;
  static const int port = ServerPort();
  static unsigned long runs = 0;
  Exchange(port, std::string(reinterpret_cast<const char*>(data), size));
  if (++runs % 512 == 0) {
    // Liveness: a correct request still gets its 200.
    std::string ok =
        Exchange(port,
                 "GET /-/healthy HTTP/1.1\r\nHost: x\r\n"
                 "Authorization: Basic cHJvbWV0aGV1czpzZWNyZXQ=\r\nConnection: "
                 "close\r\n\r\n");
    if (ok.rfind("HTTP/1.1 200", 0) != 0) __builtin_trap();
  }
  return 0;
}
