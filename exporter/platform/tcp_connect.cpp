#include "exporter/platform/tcp_connect.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "exporter/platform/interface_binding.h"

namespace ipv6ha {
namespace {

std::string Reason(int err) {
  if (err == ECONNREFUSED) return "connection refused";
  return std::strerror(err);
}

}  // namespace

Expected<TcpConnectStart> StartTcpConnect(const sockaddr_in6& target,
                                          std::string source,
                                          const std::string& interface,
                                          InterfaceBinding binding) {
  const int fd = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
  if (fd < 0)
    return Error{std::string("cannot open TCP socket: ") +
                 std::strerror(errno)};
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  if (!interface.empty()) {
    auto chosen = BindProbeToInterface(fd, ProbeSocketType::kTcp, binding,
                                       interface, source);
    if (!chosen) {
      close(fd);
      return chosen.error();
    }
    source = *chosen;
  }
  if (!source.empty()) {
    sockaddr_in6 local{};
    local.sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, source.c_str(), &local.sin6_addr) != 1 ||
        bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
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
