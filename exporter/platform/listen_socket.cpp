#include "exporter/platform/listen_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace ipv6ha {
namespace {

constexpr int kBacklog = 1024;

std::string Where(const std::string& ip, int port) {
  const std::string host = ip.empty()                          ? "[::]"
                           : ip.find(':') != std::string::npos ? "[" + ip + "]"
                                                               : ip;
  return host + ":" + std::to_string(port);
}

Status SetNonBlockingCloexec(int fd) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0 ||
      fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
    return Error{std::strerror(errno)};
  }
  return OkStatus();
}

Expected<UniqueFd> BindAndListen(int family, const sockaddr* addr,
                                 socklen_t len, bool v6only) {
  UniqueFd fd(socket(family, SOCK_STREAM, 0));
  if (fd.get() < 0) return Error{std::strerror(errno)};
  const int one = 1, v6 = v6only ? 1 : 0;
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (family == AF_INET6 &&
      setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &v6, sizeof(v6)) != 0) {
    return Error{std::strerror(errno)};
  }
  if (bind(fd.get(), addr, len) != 0 || listen(fd.get(), kBacklog) != 0) {
    return Error{std::strerror(errno)};
  }
  if (Status st = SetNonBlockingCloexec(fd.get()); !st) return st.error();
  return fd;
}

}  // namespace

Expected<UniqueFd> ListenTcp(const std::string& ip, int port) {
  const auto p = htons(static_cast<std::uint16_t>(port));
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  v4.sin_port = p;
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_port = p;
  Expected<UniqueFd> fd = Error{"not an IP address"};
  if (ip.empty()) {
    v6.sin6_addr = in6addr_any;
    fd = BindAndListen(AF_INET6, reinterpret_cast<sockaddr*>(&v6), sizeof(v6),
                       false);
    if (!fd && (errno == EAFNOSUPPORT || errno == EADDRNOTAVAIL)) {
      v4.sin_addr.s_addr = htonl(INADDR_ANY);  // a host without IPv6
      fd = BindAndListen(AF_INET, reinterpret_cast<sockaddr*>(&v4), sizeof(v4),
                         false);
    }
  } else if (inet_pton(AF_INET6, ip.c_str(), &v6.sin6_addr) == 1) {
    fd = BindAndListen(AF_INET6, reinterpret_cast<sockaddr*>(&v6), sizeof(v6),
                       true);
  } else if (inet_pton(AF_INET, ip.c_str(), &v4.sin_addr) == 1) {
    fd = BindAndListen(AF_INET, reinterpret_cast<sockaddr*>(&v4), sizeof(v4),
                       false);
  }
  if (!fd)
    return Error{"cannot listen on " + Where(ip, port) + ": " +
                 fd.error().message};
  return fd;
}

std::string DescribeListener(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  char text[INET6_ADDRSTRLEN] = {};
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
    return "fd " + std::to_string(fd);
  }
  if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof(text));
    return "[" + std::string(text) + "]:" + std::to_string(ntohs(a->sin6_port));
  }
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, text, sizeof(text));
    return std::string(text) + ":" + std::to_string(ntohs(a->sin_port));
  }
  return "fd " + std::to_string(fd);
}

int ListenerPort(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return -1;
  if (ss.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  }
  if (ss.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  }
  return -1;
}

Status AdoptListener(int fd) {
  int type = 0, listening = 0;
  socklen_t len = sizeof(type);
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0) {
    return Error{"fd " + std::to_string(fd) +
                 " is not a socket: " + std::strerror(errno)};
  }
  len = sizeof(listening);
  if (type != SOCK_STREAM ||
      getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 ||
      !listening) {
    return Error{"fd " + std::to_string(fd) +
                 " is not a listening stream socket (the .socket unit needs "
                 "ListenStream=)"};
  }
  if (Status st = SetNonBlockingCloexec(fd); !st) {
    return Error{"fd " + std::to_string(fd) + ": " + st.error().message};
  }
  return OkStatus();
}

}  // namespace ipv6ha
