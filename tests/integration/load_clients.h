#pragma once

// The clients load_test drives the real binary with, over loopback: a
// keep-alive scraper (as Prometheus keeps one connection per target) and a
// flood of idle connections (slowloris), each re-opened when the server
// drops it.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace ipv6ha::testing {

// One keep-alive HTTP/1.1 connection, as Prometheus keeps one per target.
class ScrapeConnection {
 public:
  explicit ScrapeConnection(int port) : port_(port) {}
  ~ScrapeConnection() { Close(); }
  ScrapeConnection(const ScrapeConnection&) = delete;
  ScrapeConnection& operator=(const ScrapeConnection&) = delete;

  // GET /metrics; true on a complete 200 response.
  bool Scrape() {
    if (fd_ < 0 && !Connect()) return false;
    static const std::string kRequest =
        "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: "
        "text/plain\r\n\r\n";
    if (send(fd_, kRequest.data(), kRequest.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(kRequest.size())) {
      return Reconnected();
    }
    std::string buf;
    char chunk[65536];
    std::size_t head_end = std::string::npos, need = 0;
    for (;;) {
      ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
      if (n <= 0) return Reconnected();
      buf.append(chunk, static_cast<std::size_t>(n));
      if (head_end == std::string::npos) {
        head_end = buf.find("\r\n\r\n");
        if (head_end == std::string::npos) continue;
        auto cl = buf.find("Content-Length: ");
        if (cl == std::string::npos || cl > head_end) return false;
        need = head_end + 4 + std::strtoul(buf.c_str() + cl + 16, nullptr, 10);
      }
      if (buf.size() >= need) break;
    }
    body_ = buf.substr(head_end + 4);
    return buf.compare(0, 12, "HTTP/1.1 200") == 0;
  }
  int reconnects() const { return reconnects_; }
  const std::string& body() const { return body_; }

 private:
  bool Connect() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval tv{2, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      Close();
      return false;
    }
    return true;
  }
  // The server may close an idle keep-alive connection; that is not an
  // error, but the scrape must then succeed on a new connection.
  bool Reconnected() {
    Close();
    ++reconnects_;
    if (reconnects_ > 100) return false;
    return Connect() && Scrape();
  }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  int port_;
  int fd_ = -1;
  int reconnects_ = 0;
  std::string body_;
};

// Opens a connection and sends an incomplete request head (or, `silent`,
// nothing), then stays idle.
inline int HalfOpen(int port, bool silent = false) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd);
    return -1;
  }
  const char partial[] = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
  if (!silent) (void)send(fd, partial, sizeof(partial) - 1, MSG_NOSIGNAL);
  return fd;
}

// True when the server has closed `fd`: recv reads EOF or an error after
// any bytes it sent first (a server may answer a timed-out head with 4xx).
inline bool ClosedByServer(int fd) {
  char buf[4096];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n > 0) continue;
    return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
  }
}

// Keeps `count` idle connections open on a thread of its own, half silent,
// half half-open, re-opening each one the server closes (as a flood would).
class IdleFlood {
 public:
  IdleFlood(int port, int count) : port_(port), fds_(count, -1) {
    for (int i = 0; i < count; ++i) fds_[i] = HalfOpen(port_, i % 2 == 0);
    thread_ = std::thread([this] {
      while (!stop_) {
        for (std::size_t i = 0; i < fds_.size(); ++i) {
          if (fds_[i] >= 0 && !ClosedByServer(fds_[i])) continue;
          if (fds_[i] >= 0) close(fds_[i]);
          fds_[i] = HalfOpen(port_, i % 2 == 0);
          ++reopened_;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
  }
  ~IdleFlood() {
    stop_ = true;
    thread_.join();
    for (int fd : fds_) {
      if (fd >= 0) close(fd);
    }
  }
  int reopened() const { return reopened_; }

 private:
  int port_;
  std::vector<int> fds_;
  std::atomic<bool> stop_{false};
  std::atomic<int> reopened_{0};
  std::thread thread_;
};

}  // namespace ipv6ha::testing
