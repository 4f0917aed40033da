#include "tests/support/fake_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

namespace ipv6ha::testing {

FakeHttpServer::FakeHttpServer(Mode mode, std::string reply,
                               std::size_t stream_bytes)
    : mode_(mode), reply_(std::move(reply)), stream_bytes_(stream_bytes) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int on = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
  listen(listen_fd_, 16);
  socklen_t len = sizeof a;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

FakeHttpServer::~FakeHttpServer() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
}

std::string FakeHttpServer::JsonReply(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: "
         "application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

void FakeHttpServer::Serve() {
  std::vector<int> open;  // silent connections stay open until we stop
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 20) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++connections_;
    char buf[4096];
    pollfd r{fd, POLLIN, 0};
    if (poll(&r, 1, 1000) > 0) (void)!recv(fd, buf, sizeof buf, 0);
    if (mode_ == Mode::kSilent) {
      open.push_back(fd);
      continue;
    }
    if (mode_ == Mode::kReply) {
      (void)!send(fd, reply_.data(), reply_.size(), MSG_NOSIGNAL);
    } else {
      const std::string header =
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n";
      (void)!send(fd, header.data(), header.size(), MSG_NOSIGNAL);
      std::string chunk(64 * 1024, ' ');
      for (std::size_t sent = 0; sent < stream_bytes_ && !stop_;
           sent += chunk.size()) {
        if (send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL) < 0) break;
      }
    }
    close(fd);
  }
  for (int fd : open) close(fd);
}

}  // namespace ipv6ha::testing
