// FreeBSD: raw ICMPv6 sockets only (no datagram ICMPv6 sockets); ICMPv6
// errors arrive on the raw socket itself through its ICMP6_FILTER, so there
// is no error queue to read.
#include "exporter/platform/icmp6_socket.h"

namespace ipv6ha {

Expected<Icmp6Socket> Icmp6Socket::OpenAutomatic(const std::string& source,
                                                 const std::string& interface,
                                                 InterfaceBinding binding) {
  return Open(IcmpSocketKind::kRaw, source, interface, binding);
}

void Icmp6Socket::ReceiveErrors(std::vector<Icmp6Received>& /*out*/) {}

}  // namespace ipv6ha
