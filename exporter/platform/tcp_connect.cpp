#include "exporter/platform/tcp_connect.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "exporter/platform/icmp4_socket.h"
#include "exporter/platform/interface_binding.h"

namespace ipv6ha {
namespace {

std::string Reason(int err) {
  if (err == ECONNREFUSED) return "connection refused";
  return std::strerror(err);
}

// Binds `fd` to `source`: an IPv6 literal, or an IPv4 one (as mapped, for
// an IPv4 target).
Status BindSource(int fd, const std::string& source) {
  sockaddr_in6 local{};
  local.sin6_family = AF_INET6;
  in_addr ipv4{};
  if (inet_pton(AF_INET6, source.c_str(), &local.sin6_addr) != 1) {
    if (inet_pton(AF_INET, source.c_str(), &ipv4) != 1) {
      return Error{"TCP probe source \"" + source +
                   "\" is not an IPv6 or IPv4 address"};
    }
    local.sin6_addr = MapIpv4(ipv4);
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    return Error{"cannot bind TCP probe to source " + source + ": " +
                 std::strerror(errno)};
  }
  return OkStatus();
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
  const bool ipv4 = IN6_IS_ADDR_V4MAPPED(&target.sin6_addr);
  // An IPv4(-mapped) target goes out over IPv4 from this same socket; FreeBSD
  // allows that only per socket (net.inet6.ip6.v6only is 1 by default).
  const int v6only = 0;
  if (ipv4) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
  if (!interface.empty() && ipv4 &&
      binding == InterfaceBinding::kSourceAndPktinfo) {
    // IPV6_PKTINFO does not reach IPv4 packets: the IPv4 source alone picks
    // the path (and on OPNsense its interface's gateway).
    if (source.empty()) {
      close(fd);
      return Error{"an IPv4 TCP probe through interface " + interface +
                   " needs `source` (an IPv4 address of " + interface + ")"};
    }
  } else if (!interface.empty()) {
    auto chosen = BindProbeToInterface(fd, ProbeSocketType::kTcp, binding,
                                       interface, source);
    if (!chosen) {
      close(fd);
      return chosen.error();
    }
    source = *chosen;
  }
  if (!source.empty()) {
    if (auto bound = BindSource(fd, source); !bound) {
      close(fd);
      return bound.error();
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
