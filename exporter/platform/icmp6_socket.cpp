#include "exporter/platform/icmp6_socket.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "exporter/platform/echo_socket_setup.h"
#include "exporter/platform/icmp6_receive.h"
#include "exporter/platform/interface_binding.h"

namespace ipv6ha {
namespace {

std::string Errno(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

WallTime FromTimespec(const timespec& ts) {
  return WallTime(std::chrono::duration_cast<WallTime::duration>(
      std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
}

Status Configure(int fd, IcmpSocketKind kind, std::string source,
                 const std::string& interface, InterfaceBinding binding) {
  const int on = 1;
  if (kind == IcmpSocketKind::kRaw) {
    icmp6_filter filter;
    ICMP6_FILTER_SETBLOCKALL(&filter);
    ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
    ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &filter);
    ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &filter);
    ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &filter);
    ICMP6_FILTER_SETPASS(ICMP6_PARAM_PROB, &filter);
    if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter) !=
        0) {
      return Error{Errno("cannot set ICMP6_FILTER")};
    }
  } else {
#ifdef IPV6_RECVERR
    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof on);
#endif
  }
  if (!interface.empty()) {
    auto chosen = BindProbeToInterface(fd, ProbeSocketType::kIcmp, binding,
                                       interface, source);
    if (!chosen) return chosen.error();
    source = *chosen;
  }
  sockaddr_in6 local{};
  local.sin6_family = AF_INET6;
  local.sin6_addr = in6addr_any;
  if (!source.empty() &&
      inet_pton(AF_INET6, source.c_str(), &local.sin6_addr) != 1) {
    return Error{"source \"" + source + "\" is not an IPv6 address"};
  }
  if (IN6_IS_ADDR_LINKLOCAL(&local.sin6_addr) && !interface.empty()) {
    local.sin6_scope_id = if_nametoindex(interface.c_str());
  }
  // Datagram sockets always bind: that is when the kernel picks the
  // identifier. Raw sockets bind only to select a source.
  if ((kind == IcmpSocketKind::kDatagram || !source.empty()) &&
      bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    return Error{Errno("cannot bind ICMPv6 socket to source " +
                       (source.empty() ? std::string("::") : source))};
  }
  return OkStatus();
}

}  // namespace

WallTime Icmp6ReceiveTime(msghdr& msg) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr;
       c = CMSG_NXTHDR(&msg, c)) {
#ifdef SCM_TIMESTAMPNS
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      timespec ts;
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      return FromTimespec(ts);
    }
#endif
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMP) {
      timeval tv;
      std::memcpy(&tv, CMSG_DATA(c), sizeof tv);
      return WallTime(std::chrono::duration_cast<WallTime::duration>(
          std::chrono::seconds(tv.tv_sec) +
          std::chrono::microseconds(tv.tv_usec)));
    }
  }
  return std::chrono::system_clock::now();
}

Expected<Icmp6Socket> Icmp6Socket::Open(IcmpSocketKind kind,
                                        const std::string& source,
                                        const std::string& interface,
                                        InterfaceBinding binding) {
  if (kind == IcmpSocketKind::kAuto) {
    return OpenAutomatic(source, interface, binding);
  }
  auto fd = OpenEchoFd(AF_INET6, IPPROTO_ICMPV6, kind, "ICMPv6");
  if (!fd) return fd.error();
  auto configured = Configure(fd->get(), kind, source, interface, binding);
  if (!configured) return configured.error();
  std::uint16_t identifier = 0;
  if (kind == IcmpSocketKind::kDatagram) {
    sockaddr_in6 bound{};
    socklen_t len = sizeof bound;
    getsockname(fd->get(), reinterpret_cast<sockaddr*>(&bound), &len);
    identifier = ntohs(bound.sin6_port);
  } else {
    identifier = static_cast<std::uint16_t>(std::random_device{}());
  }
  return Icmp6Socket(fd->Release(), kind, identifier);
}

Icmp6Socket::Icmp6Socket(Icmp6Socket&& other) noexcept
    : fd_(other.fd_),
      kind_(other.kind_),
      identifier_(other.identifier_),
      last_send_errno_(other.last_send_errno_) {
  other.fd_ = -1;
}

Icmp6Socket& Icmp6Socket::operator=(Icmp6Socket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    kind_ = other.kind_;
    identifier_ = other.identifier_;
    last_send_errno_ = other.last_send_errno_;
    other.fd_ = -1;
  }
  return *this;
}

Icmp6Socket::~Icmp6Socket() {
  if (fd_ >= 0) close(fd_);
}

Expected<WallTime> Icmp6Socket::SendEcho(const sockaddr_in6& to,
                                         std::uint16_t sequence,
                                         std::uint64_t cookie,
                                         std::uint64_t serial) {
  const std::string packet =
      BuildEchoRequest(identifier_, sequence, cookie, serial);
  const WallTime at = std::chrono::system_clock::now();
  if (sendto(fd_, packet.data(), packet.size(), 0,
             reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0) {
    last_send_errno_ = errno;
    return Error{std::strerror(last_send_errno_)};
  }
  last_send_errno_ = 0;
  return at;
}

std::vector<Icmp6Received> Icmp6Socket::ReceiveAll() {
  std::vector<Icmp6Received> out;
  Icmp6RecvBuffers buf;
  for (;;) {
    const ssize_t n = buf.Receive(fd_, MSG_DONTWAIT);
    if (n < 0) {
      // A datagram socket reports a pending error as a failed read.
      if (errno != EAGAIN && errno != EWOULDBLOCK) ReceiveErrors(out);
      break;
    }
    auto message = ParseIcmp6Message(
        std::string_view(buf.data, static_cast<std::size_t>(n)));
    if (!message) continue;
    out.push_back(
        {std::move(*message), buf.peer.sin6_addr, Icmp6ReceiveTime(buf.msg)});
  }
  if (kind_ == IcmpSocketKind::kDatagram) ReceiveErrors(out);
  return out;
}

}  // namespace ipv6ha
