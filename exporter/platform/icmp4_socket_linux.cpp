// Linux: the unprivileged datagram ping socket as the fallback of kAuto, and
// ICMPv4 errors from its error queue (IP_RECVERR, ip(7)).
// <linux/errqueue.h> needs struct timespec and the socket types first.
// clang-format off
#include <sys/socket.h>
#include <time.h>
#include <linux/errqueue.h>
// clang-format on
#include <netinet/in.h>

#include <cstring>

#include "exporter/platform/echo_socket_setup.h"
#include "exporter/platform/icmp4_packet.h"
#include "exporter/platform/icmp4_socket.h"
#include "exporter/platform/icmp6_receive.h"

namespace ipv6ha {

Expected<Icmp4Socket> Icmp4Socket::OpenAutomatic(const std::string& source,
                                                 const std::string& interface,
                                                 InterfaceBinding binding) {
  return OpenRawElseDatagram<Icmp4Socket>([&](IcmpSocketKind kind) {
    return Open(kind, source, interface, binding);
  });
}

void Icmp4Socket::EnableErrorQueue(int fd) {
  const int on = 1;
  setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof on);
}

void Icmp4Socket::ReceiveErrors(std::vector<Icmp6Received>& out) {
  Icmp6RecvBuffers buf;  // its sockaddr_in6 room holds the sockaddr_in
  for (;;) {
    const ssize_t n = buf.Receive(fd_.get(), MSG_ERRQUEUE | MSG_DONTWAIT);
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
    sockaddr_in to{};
    std::memcpy(&to, &buf.peer, sizeof to);
    const in6_addr target = MapIpv4(to.sin_addr);
    message->quoted_destination = target;
    message->reason =
        ee->ee_origin == SO_EE_ORIGIN_ICMP
            ? Icmp4ErrorReason(ee->ee_type, ee->ee_code)
            : std::string(std::strerror(static_cast<int>(ee->ee_errno)));
    in6_addr offender = target;
    const auto* off = reinterpret_cast<const sockaddr*>(SO_EE_OFFENDER(ee));
    if (off->sa_family == AF_INET)
      offender = MapIpv4(reinterpret_cast<const sockaddr_in*>(off)->sin_addr);
    out.push_back({std::move(*message), offender, Icmp6ReceiveTime(buf.msg)});
  }
}

}  // namespace ipv6ha
