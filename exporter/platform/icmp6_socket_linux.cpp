// Linux: the unprivileged datagram "ping socket" as the fallback of kAuto,
// and ICMPv6 errors from its error queue (IPV6_RECVERR, ipv6(7)).
// <linux/errqueue.h> needs struct timespec and the socket types first.
// clang-format off
#include <sys/socket.h>
#include <time.h>
#include <linux/errqueue.h>
// clang-format on
#include <netinet/icmp6.h>

#include <cstring>

#include "exporter/platform/echo_socket_setup.h"
#include "exporter/platform/icmp6_receive.h"
#include "exporter/platform/icmp6_socket.h"

namespace ipv6ha {

Expected<Icmp6Socket> Icmp6Socket::OpenAutomatic(const std::string& source,
                                                 const std::string& interface,
                                                 InterfaceBinding binding) {
  return OpenRawElseDatagram<Icmp6Socket>([&](IcmpSocketKind kind) {
    return Open(kind, source, interface, binding);
  });
}

void Icmp6Socket::ReceiveErrors(std::vector<Icmp6Received>& out) {
  Icmp6RecvBuffers buf;
  for (;;) {
    const ssize_t n = buf.Receive(fd_, MSG_ERRQUEUE | MSG_DONTWAIT);
    if (n < 0) return;
    msghdr& msg = buf.msg;
    const sockaddr_in6& target = buf.peer;
    const sock_extended_err* ee = nullptr;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr;
         c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR) {
        ee = reinterpret_cast<const sock_extended_err*>(CMSG_DATA(c));
      }
    }
    if (ee == nullptr) continue;
    // The error queue returns our request as sent; the kernel rewrote its
    // identifier to ours, so it matches like a reply does.
    auto message = ParseQuotedEchoRequest(
        std::string_view(buf.data, static_cast<std::size_t>(n)));
    if (!message) continue;
    message->quoted_destination = target.sin6_addr;
    message->reason =
        ee->ee_origin == SO_EE_ORIGIN_ICMP6
            ? Icmp6ErrorReason(ee->ee_type, ee->ee_code)
            : std::string(std::strerror(static_cast<int>(ee->ee_errno)));
    in6_addr offender = target.sin6_addr;
    const auto* off = reinterpret_cast<const sockaddr*>(SO_EE_OFFENDER(ee));
    if (off->sa_family == AF_INET6) {
      offender = reinterpret_cast<const sockaddr_in6*>(off)->sin6_addr;
    }
    out.push_back({std::move(*message), offender, Icmp6ReceiveTime(msg)});
  }
}

}  // namespace ipv6ha
