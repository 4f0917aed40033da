#include "exporter/platform/icmp4_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/ip_icmp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "exporter/platform/icmp4_packet.h"

#ifdef __linux__
#include <linux/errqueue.h>
#endif

namespace ipv6ha {
namespace {

std::string Errno(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// Kernel receive time from the control messages, or now when absent.
WallTime ReceiveTime(msghdr& msg) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr;
       c = CMSG_NXTHDR(&msg, c)) {
#ifdef SCM_TIMESTAMPNS
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      timespec ts;
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      return WallTime(std::chrono::duration_cast<WallTime::duration>(
          std::chrono::seconds(ts.tv_sec) +
          std::chrono::nanoseconds(ts.tv_nsec)));
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

sockaddr_in Unmapped(const sockaddr_in6& mapped) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  std::memcpy(&a.sin_addr, &mapped.sin6_addr.s6_addr[12], 4);
  return a;
}

Status Configure(int fd, IcmpSocketKind kind, const std::string& source,
                 const std::string& interface) {
  const int on = 1;
#ifdef SO_TIMESTAMPNS
  setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
#else
  setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof on);
#endif
  const int rcvbuf = 1 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
#ifdef IP_RECVERR
  if (kind == IcmpSocketKind::kDatagram)
    setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof on);
#endif
  if (!interface.empty()) {
#ifdef SO_BINDTODEVICE
    if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, interface.c_str(),
                   interface.size()) != 0) {
      return Error{Errno("cannot bind ICMP socket to interface " + interface)};
    }
#else
    return Error{
        "binding a probe to an interface is not supported on this "
        "system; configure `source` instead"};
#endif
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

struct RecvBuffers {
  char data[1500];
  alignas(cmsghdr) char control[512];
  sockaddr_in peer{};
  msghdr msg{};
  iovec iov{};

  ssize_t Receive(int fd, int flags) {
    peer = {};
    iov = {data, sizeof data};
    msg = {};
    msg.msg_name = &peer;
    msg.msg_namelen = sizeof peer;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    return recvmsg(fd, &msg, flags);
  }
};

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
                                        const std::string& interface) {
  if (kind == IcmpSocketKind::kAuto) {
    auto raw = Open(IcmpSocketKind::kRaw, source, interface);
    if (raw) return raw;
#ifdef __linux__
    auto dgram = Open(IcmpSocketKind::kDatagram, source, interface);
    if (dgram) return dgram;
    return Error{raw.error().message + "; " + dgram.error().message +
                 " (run as root, grant CAP_NET_RAW, or widen "
                 "net.ipv4.ping_group_range)"};
#else
    return raw;
#endif
  }
  const bool raw = kind == IcmpSocketKind::kRaw;
  const int fd = socket(AF_INET, raw ? SOCK_RAW : SOCK_DGRAM, IPPROTO_ICMP);
  if (fd < 0) {
    return Error{Errno(raw ? "cannot open raw ICMP socket"
                           : "cannot open datagram ICMP socket")};
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  if (auto configured = Configure(fd, kind, source, interface); !configured) {
    close(fd);
    return configured.error();
  }
  std::uint16_t identifier = 0;
  if (kind == IcmpSocketKind::kDatagram) {
    sockaddr_in bound{};
    socklen_t len = sizeof bound;
    getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
    identifier = ntohs(bound.sin_port);
  } else {
    identifier = static_cast<std::uint16_t>(std::random_device{}());
  }
  return Icmp4Socket(fd, kind, identifier);
}

Icmp4Socket::Icmp4Socket(Icmp4Socket&& other) noexcept
    : fd_(other.fd_), kind_(other.kind_), identifier_(other.identifier_) {
  other.fd_ = -1;
}

Icmp4Socket& Icmp4Socket::operator=(Icmp4Socket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    kind_ = other.kind_;
    identifier_ = other.identifier_;
    other.fd_ = -1;
  }
  return *this;
}

Icmp4Socket::~Icmp4Socket() {
  if (fd_ >= 0) close(fd_);
}

Expected<WallTime> Icmp4Socket::SendEcho(const sockaddr_in6& to,
                                         std::uint16_t sequence,
                                         std::uint64_t cookie,
                                         std::uint64_t serial) {
  const std::string packet =
      BuildEcho4Request(identifier_, sequence, cookie, serial);
  const sockaddr_in target = Unmapped(to);
  const WallTime at = std::chrono::system_clock::now();
  if (sendto(fd_, packet.data(), packet.size(), 0,
             reinterpret_cast<const sockaddr*>(&target), sizeof target) < 0) {
    return Error{std::strerror(errno)};
  }
  return at;
}

std::vector<Icmp6Received> Icmp4Socket::ReceiveAll() {
  std::vector<Icmp6Received> out;
  RecvBuffers buf;
  for (;;) {
    const ssize_t n = buf.Receive(fd_, MSG_DONTWAIT);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) ReceiveErrors(out);
      break;
    }
    const std::string_view bytes(buf.data, static_cast<std::size_t>(n));
    auto message = kind_ == IcmpSocketKind::kRaw ? ParseIcmp4Packet(bytes)
                                                 : ParseIcmp4Message(bytes);
    if (!message) continue;
    out.push_back({std::move(*message), MapIpv4(buf.peer.sin_addr),
                   ReceiveTime(buf.msg)});
  }
  if (kind_ == IcmpSocketKind::kDatagram) ReceiveErrors(out);
  return out;
}

void Icmp4Socket::ReceiveErrors(std::vector<Icmp6Received>& out) {
#if defined(__linux__) && defined(MSG_ERRQUEUE)
  RecvBuffers buf;
  for (;;) {
    const ssize_t n = buf.Receive(fd_, MSG_ERRQUEUE | MSG_DONTWAIT);
    if (n < 0) return;
    const sock_extended_err* ee = nullptr;
    for (cmsghdr* c = CMSG_FIRSTHDR(&buf.msg); c != nullptr;
         c = CMSG_NXTHDR(&buf.msg, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR)
        ee = reinterpret_cast<const sock_extended_err*>(CMSG_DATA(c));
    }
    if (ee == nullptr) continue;
    // Our request as sent, its identifier rewritten to the socket's.
    auto message = ParseQuotedEcho4Request(
        std::string_view(buf.data, static_cast<std::size_t>(n)));
    if (!message) continue;
    const in6_addr target = MapIpv4(buf.peer.sin_addr);
    message->quoted_destination = target;
    message->reason =
        ee->ee_origin == SO_EE_ORIGIN_ICMP
            ? Icmp4ErrorReason(ee->ee_type, ee->ee_code)
            : std::string(std::strerror(static_cast<int>(ee->ee_errno)));
    in6_addr offender = target;
    const auto* off = reinterpret_cast<const sockaddr*>(SO_EE_OFFENDER(ee));
    if (off->sa_family == AF_INET)
      offender = MapIpv4(reinterpret_cast<const sockaddr_in*>(off)->sin_addr);
    out.push_back({std::move(*message), offender, ReceiveTime(buf.msg)});
  }
#else
  (void)out;
#endif
}

}  // namespace ipv6ha
