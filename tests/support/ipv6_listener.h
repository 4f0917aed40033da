#pragma once

// A TCP socket listening on [::1] (the kernel completes connections from
// its backlog, so a TCP probe succeeds); closed on destruction. It stands
// in for a peer's address in tests: Debian's civetweb cannot listen on ::1.
// Header-only.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ipv6ha::testing {

class Ipv6Listener {
 public:
  Ipv6Listener() {
    fd_ = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in6 addr{};
    addr.sin6_family = AF_INET6;
    addr.sin6_addr = in6addr_loopback;
    socklen_t len = sizeof(addr);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        listen(fd_, 1024) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    port_ = ntohs(addr.sin6_port);
  }
  ~Ipv6Listener() {
    if (fd_ >= 0) close(fd_);
  }
  Ipv6Listener(const Ipv6Listener&) = delete;
  Ipv6Listener& operator=(const Ipv6Listener&) = delete;
  // 0 when it could not listen.
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace ipv6ha::testing
