#pragma once

// A TCP socket listening on the loopback address of one family, 127.0.0.1
// or [::1], on a port the kernel picks; closed on destruction. The kernel
// completes connections from its backlog, so a TCP probe succeeds: it
// stands in for a peer's address in tests. port() is 0 when it could not
// listen. Header-only.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ipv6ha::testing {

class LoopbackListener {
 public:
  explicit LoopbackListener(int family) {
    fd_ = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_storage addr{};
    socklen_t len = 0;
    if (family == AF_INET) {
      auto* a = reinterpret_cast<sockaddr_in*>(&addr);
      a->sin_family = AF_INET;
      a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      len = sizeof(sockaddr_in);
    } else {
      auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
      a->sin6_family = AF_INET6;
      a->sin6_addr = in6addr_loopback;
      len = sizeof(sockaddr_in6);
    }
    auto* sa = reinterpret_cast<sockaddr*>(&addr);
    if (fd_ < 0 || bind(fd_, sa, len) != 0 || listen(fd_, 1024) != 0 ||
        getsockname(fd_, sa, &len) != 0) {
      return;
    }
    port_ = family == AF_INET
                ? ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port)
                : ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  }
  ~LoopbackListener() {
    if (fd_ >= 0) close(fd_);
  }
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// On [::1].
class Ipv6Listener : public LoopbackListener {
 public:
  Ipv6Listener() : LoopbackListener(AF_INET6) {}
};

}  // namespace ipv6ha::testing
