#pragma once

// One ICMPv6 echo socket, bound to a source address and/or an interface.
//
// kRaw: SOCK_RAW/IPPROTO_ICMPV6 (needs root or CAP_NET_RAW). An ICMP6_FILTER
// lets only echo replies and errors through; the kernel still hands every
// such message to every raw socket, so the caller matches by identifier,
// sequence and cookie. kDatagram (Linux only): the unprivileged "ping socket"
// (SOCK_DGRAM/IPPROTO_ICMPV6, allowed by net.ipv4.ping_group_range); the
// kernel replaces our identifier by the socket's own and delivers only its
// replies; errors arrive on the error queue (IPV6_RECVERR).
//
// Receive times are the kernel's (SO_TIMESTAMPNS, CLOCK_REALTIME) so an RTT
// does not include our thread's wake-up latency; SendEcho returns the send
// time on the same clock. Not thread safe; owned by the prober's engine.

#include <netinet/in.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "exporter/base/expected.h"
#include "exporter/platform/icmp6_packet.h"
#include "exporter/platform/interface_binding.h"

namespace ipv6ha {

enum class IcmpSocketKind { kAuto, kRaw, kDatagram };

using WallTime = std::chrono::system_clock::time_point;

struct Icmp6Received {
  Icmp6Message message;
  in6_addr from{};  // sender of the reply or of the error
  WallTime at;      // kernel receive time
};

class Icmp6Socket {
 public:
  // Opens and binds. `source` (an IPv6 literal) and `interface` may be
  // empty; `binding` says how a socket is tied to `interface`
  // (interface_binding.h). kAuto tries raw, then (Linux) datagram.
  static Expected<Icmp6Socket> Open(
      IcmpSocketKind kind, const std::string& source,
      const std::string& interface,
      InterfaceBinding binding = DefaultInterfaceBinding());
  Icmp6Socket(Icmp6Socket&& other) noexcept;
  Icmp6Socket& operator=(Icmp6Socket&& other) noexcept;
  ~Icmp6Socket();

  int fd() const { return fd_; }
  IcmpSocketKind kind() const { return kind_; }
  // The identifier replies carry: ours for raw sockets, the kernel's for
  // datagram sockets.
  std::uint16_t identifier() const { return identifier_; }

  // Sends one echo request; returns the wall time just before sending.
  Expected<WallTime> SendEcho(const sockaddr_in6& to, std::uint16_t sequence,
                              std::uint64_t cookie, std::uint64_t serial);
  // errno of the latest failed SendEcho (0 after a successful one).
  int last_send_errno() const { return last_send_errno_; }
  // Reads everything queued (non-blocking), replies and errors.
  std::vector<Icmp6Received> ReceiveAll();

 private:
  Icmp6Socket(int fd, IcmpSocketKind kind, std::uint16_t identifier)
      : fd_(fd), kind_(kind), identifier_(identifier) {}
  // Per platform (icmp6_socket_linux.cpp, icmp6_socket_freebsd.cpp).
  static Expected<Icmp6Socket> OpenAutomatic(const std::string& source,
                                             const std::string& interface,
                                             InterfaceBinding binding);
  void ReceiveErrors(std::vector<Icmp6Received>& out);

  int fd_ = -1;
  IcmpSocketKind kind_ = IcmpSocketKind::kRaw;
  std::uint16_t identifier_ = 0;
  int last_send_errno_ = 0;
};

}  // namespace ipv6ha
