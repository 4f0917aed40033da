#include "exporter/platform/icmp4_socket.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "exporter/platform/echo_socket_setup.h"
#include "exporter/platform/icmp4_packet.h"
#include "exporter/platform/icmp6_receive.h"

namespace ipv6ha {
namespace {

std::string Errno(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

sockaddr_in Unmapped(const sockaddr_in6& mapped) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  std::memcpy(&a.sin_addr, &mapped.sin6_addr.s6_addr[12], 4);
  return a;
}

Status Configure(int fd, IcmpSocketKind kind, const std::string& source,
                 const std::string& interface, InterfaceBinding binding) {
  if (!interface.empty()) {
    if (binding == InterfaceBinding::kBindToDevice) {
      if (auto bound = BindToDevice(fd, interface); !bound) return bound;
    } else if (source.empty()) {
      return Error{"an IPv4 probe through interface " + interface +
                   " needs `source` (an IPv4 address of " + interface + ")"};
    }
  }
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(INADDR_ANY);
  if (!source.empty() &&
      inet_pton(AF_INET, source.c_str(), &local.sin_addr) != 1) {
    return Error{"source \"" + source + "\" is not an IPv4 address"};
  }
  // Datagram sockets always bind: that is when the kernel picks the
  // identifier. Raw sockets bind only to select a source.
  if ((kind == IcmpSocketKind::kDatagram || !source.empty()) &&
      bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    return Error{Errno("cannot bind ICMP socket to source " +
                       (source.empty() ? std::string("0.0.0.0") : source))};
  }
  return OkStatus();
}

// The sender of what Icmp6RecvBuffers received on an IPv4 socket (its
// sockaddr_in6 room holds the sockaddr_in).
in_addr Sender(const Icmp6RecvBuffers& buf) {
  sockaddr_in from{};
  std::memcpy(&from, &buf.peer, sizeof from);
  return from.sin_addr;
}

}  // namespace

bool IsIpv4Mapped(const in6_addr& a) { return IN6_IS_ADDR_V4MAPPED(&a); }

in6_addr MapIpv4(const in_addr& address) {
  in6_addr a{};
  a.s6_addr[10] = a.s6_addr[11] = 0xff;
  std::memcpy(&a.s6_addr[12], &address, 4);
  return a;
}

std::string FormatProbeAddress(const in6_addr& address) {
  char buf[INET6_ADDRSTRLEN];
  if (IsIpv4Mapped(address)) {
    inet_ntop(AF_INET, &address.s6_addr[12], buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, &address, buf, sizeof buf);
  }
  return buf;
}

Expected<Icmp4Socket> Icmp4Socket::Open(IcmpSocketKind kind,
                                        const std::string& source,
                                        const std::string& interface,
                                        InterfaceBinding binding) {
  if (kind == IcmpSocketKind::kAuto)
    return OpenAutomatic(source, interface, binding);
  auto fd = OpenEchoFd(AF_INET, IPPROTO_ICMP, kind, "ICMP");
  if (!fd) return fd.error();
  auto configured = Configure(fd->get(), kind, source, interface, binding);
  if (!configured) return configured.error();
  std::uint16_t identifier = 0;
  if (kind == IcmpSocketKind::kDatagram) {
    EnableErrorQueue(fd->get());
    sockaddr_in bound{};
    socklen_t len = sizeof bound;
    getsockname(fd->get(), reinterpret_cast<sockaddr*>(&bound), &len);
    identifier = ntohs(bound.sin_port);
  } else {
    identifier = static_cast<std::uint16_t>(std::random_device{}());
  }
  return Icmp4Socket(std::move(*fd), kind, identifier);
}

Expected<WallTime> Icmp4Socket::SendEcho(const sockaddr_in6& to,
                                         std::uint16_t sequence,
                                         std::uint64_t cookie,
                                         std::uint64_t serial) {
  const std::string packet =
      BuildEcho4Request(identifier_, sequence, cookie, serial);
  const sockaddr_in target = Unmapped(to);
  const WallTime at = std::chrono::system_clock::now();
  if (sendto(fd_.get(), packet.data(), packet.size(), 0,
             reinterpret_cast<const sockaddr*>(&target), sizeof target) < 0) {
    last_send_errno_ = errno;
    return Error{std::strerror(last_send_errno_)};
  }
  last_send_errno_ = 0;
  return at;
}

std::vector<Icmp6Received> Icmp4Socket::ReceiveAll() {
  std::vector<Icmp6Received> out;
  Icmp6RecvBuffers buf;
  for (;;) {
    const ssize_t n = buf.Receive(fd_.get(), MSG_DONTWAIT);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) ReceiveErrors(out);
      break;
    }
    const std::string_view bytes(buf.data, static_cast<std::size_t>(n));
    auto message = kind_ == IcmpSocketKind::kRaw ? ParseIcmp4Packet(bytes)
                                                 : ParseIcmp4Message(bytes);
    if (!message) continue;
    out.push_back(
        {std::move(*message), MapIpv4(Sender(buf)), Icmp6ReceiveTime(buf.msg)});
  }
  if (kind_ == IcmpSocketKind::kDatagram) ReceiveErrors(out);
  return out;
}

}  // namespace ipv6ha
