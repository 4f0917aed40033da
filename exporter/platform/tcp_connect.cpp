#include "exporter/platform/tcp_connect.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "exporter/platform/icmp4_socket.h"

namespace ipv6ha {
namespace {

std::string Reason(int err) {
  if (err == ECONNREFUSED) return "connection refused";
  return std::strerror(err);
}

}  // namespace

Expected<TcpConnectStart> StartTcpConnect(const sockaddr_in6& target,
                                          const std::string& source,
                                          const std::string& interface) {
  const int fd = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
  if (fd < 0)
    return Error{std::string("cannot open TCP socket: ") +
                 std::strerror(errno)};
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  // An IPv4(-mapped) target goes out over IPv4 from this same socket; FreeBSD
  // allows that only per socket (net.inet6.ip6.v6only is 1 by default).
  const int v6only = 0;
  if (IN6_IS_ADDR_V4MAPPED(&target.sin6_addr))
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
  if (!interface.empty()) {
#ifdef SO_BINDTODEVICE
    if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, interface.c_str(),
                   interface.size()) != 0) {
      const std::string why = std::strerror(errno);
      close(fd);
      return Error{"cannot bind TCP probe to interface " + interface + ": " +
                   why};
    }
#else
    close(fd);
    return Error{
        "binding a probe to an interface is not supported on this "
        "system; configure `source` instead"};
#endif
  }
  if (!source.empty()) {
    sockaddr_in6 local{};
    local.sin6_family = AF_INET6;
    in_addr v4{};
    if (inet_pton(AF_INET6, source.c_str(), &local.sin6_addr) != 1 &&
        inet_pton(AF_INET, source.c_str(), &v4) == 1) {
      local.sin6_addr = MapIpv4(v4);  // an IPv4 source, for an IPv4 target
    }
    if (IN6_IS_ADDR_UNSPECIFIED(&local.sin6_addr)) {
      close(fd);
      return Error{"TCP probe source \"" + source +
                   "\" is not an IPv6 or IPv4 address"};
    }
    if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      const std::string why = std::strerror(errno);
      close(fd);
      return Error{"cannot bind TCP probe to source " + source + ": " + why};
    }
  }
  TcpConnectStart start;
  start.fd = fd;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&target), sizeof target) ==
      0) {
    start.done = true;
  } else if (errno != EINPROGRESS) {
    start.done = true;
    start.error = Reason(errno);
  }
  return start;
}

std::string FinishTcpConnect(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  return err == 0 ? std::string() : Reason(err);
}

void CloseTcpProbe(int fd) {
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

}  // namespace ipv6ha
