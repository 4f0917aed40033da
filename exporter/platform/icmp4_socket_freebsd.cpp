// FreeBSD: raw ICMP sockets only (no datagram ping sockets); ICMP errors
// arrive on the raw socket itself, so there is no error queue to read.
#include "exporter/platform/icmp4_socket.h"

namespace ipv6ha {

Expected<Icmp4Socket> Icmp4Socket::OpenAutomatic(const std::string& source,
                                                 const std::string& interface,
                                                 InterfaceBinding binding) {
  return Open(IcmpSocketKind::kRaw, source, interface, binding);
}

void Icmp4Socket::EnableErrorQueue(int /*fd*/) {}

void Icmp4Socket::ReceiveErrors(std::vector<Icmp6Received>& /*out*/) {}

}  // namespace ipv6ha
