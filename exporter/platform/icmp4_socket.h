#pragma once

// One ICMPv4 echo socket, bound to a source address and/or an interface:
// the IPv4 counterpart of Icmp6Socket, with the same interface, so the
// prober's one engine drives both (a peer on an IPv4-only sync link).
//
// kRaw: SOCK_RAW/IPPROTO_ICMP (root or CAP_NET_RAW); every ICMP message
// the host receives is delivered with its IPv4 header, so the caller
// matches by identifier, sequence and cookie. kDatagram (Linux): the
// unprivileged ping socket (SOCK_DGRAM/IPPROTO_ICMP, allowed by
// net.ipv4.ping_group_range); the kernel sets the identifier and delivers
// only its replies; errors arrive on the error queue (IP_RECVERR). The
// per-OS halves are icmp4_socket_linux.cpp and icmp4_socket_freebsd.cpp
// (raw only; errors reach the raw socket itself).
//
// `interface`: with kBindToDevice (Linux) the socket is bound to it; with
// kSourceAndPktinfo (FreeBSD) IPV6_PKTINFO has no IPv4 counterpart here,
// so `source` (an IPv4 address of that interface) must pick the path.
//
// Addresses are IPv4-mapped IPv6 addresses (::ffff:192.0.2.1) at this
// interface, as everywhere in the prober; `source` is an IPv4 literal.
// Receive times are the kernel's. Not thread safe; owned by the engine.

#include <netinet/in.h>

#include <cstdint>
#include <string>
#include <vector>

#include "exporter/base/expected.h"
#include "exporter/platform/icmp6_socket.h"
#include "exporter/platform/unique_fd.h"

namespace ipv6ha {

class Icmp4Socket {
 public:
  // Opens and binds. kAuto tries raw, then (Linux) datagram.
  static Expected<Icmp4Socket> Open(
      IcmpSocketKind kind, const std::string& source,
      const std::string& interface,
      InterfaceBinding binding = DefaultInterfaceBinding());
  int fd() const { return fd_.get(); }
  IcmpSocketKind kind() const { return kind_; }
  std::uint16_t identifier() const { return identifier_; }

  // `to` is IPv4-mapped. Returns the wall time just before sending.
  Expected<WallTime> SendEcho(const sockaddr_in6& to, std::uint16_t sequence,
                              std::uint64_t cookie, std::uint64_t serial);
  // errno of the latest failed SendEcho (0 after a successful one).
  int last_send_errno() const { return last_send_errno_; }
  // Everything queued (non-blocking), replies and errors; `from` mapped.
  std::vector<Icmp6Received> ReceiveAll();

 private:
  Icmp4Socket(UniqueFd fd, IcmpSocketKind kind, std::uint16_t identifier)
      : fd_(std::move(fd)), kind_(kind), identifier_(identifier) {}
  // Per platform (icmp4_socket_linux.cpp, icmp4_socket_freebsd.cpp).
  static Expected<Icmp4Socket> OpenAutomatic(const std::string& source,
                                             const std::string& interface,
                                             InterfaceBinding binding);
  static void EnableErrorQueue(int fd);
  void ReceiveErrors(std::vector<Icmp6Received>& out);

  UniqueFd fd_;
  IcmpSocketKind kind_ = IcmpSocketKind::kRaw;
  std::uint16_t identifier_ = 0;
  int last_send_errno_ = 0;
};

// True for ::ffff:a.b.c.d; IPv4 targets travel through the prober so.
bool IsIpv4Mapped(const in6_addr& address);
// ::ffff:192.0.2.1 for 192.0.2.1.
in6_addr MapIpv4(const in_addr& address);
// "192.0.2.1" for a mapped address, "2001:db8::1" for any other.
std::string FormatProbeAddress(const in6_addr& address);

}  // namespace ipv6ha
