#pragma once

// Sending a probe socket through one interface: the `interface` setting of
// the ipv6_connectivity and peer_reachability checks.
//
// kBindToDevice (Linux only, interface_binding_linux.cpp): SO_BINDTODEVICE.
// The socket sends and receives only through the interface, the route is
// looked up among that interface's routes, and the kernel picks the source
// among the interface's addresses unless `source` is configured.
//
// kSourceAndPktinfo (the only method on FreeBSD, which has no
// SO_BINDTODEVICE; portable, so it is also tested on Linux): the socket is
// bound to the interface's own global address (SelectInterfaceSource; a
// configured `source` wins), and the interface is made the outgoing one with
// the sticky IPV6_PKTINFO option (RFC 3542 section 6: ipi6_ifindex, and for
// ICMPv6 ipi6_addr too; FreeBSD refuses a sticky source address on TCP
// sockets with EINVAL, so TCP sets only the index and binds the source).
// The reply comes back to that address, so it arrives through the WAN that
// owns it. On OPNsense the firewall's own "force gateway" rules route a
// packet by its source address (route-to the gateway of the interface that
// owns it), which is what makes a per-WAN probe leave through its WAN.
//
// Several global addresses on the interface: the first the kernel lists
// (getifaddrs order); unique local (fc00::/7) only when there is no
// 2000::/3 address. None: an Error naming the interface, which the check
// reports as `unknown` with that reason.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "exporter/base/expected.h"

namespace ipv6ha {

enum class InterfaceBinding { kBindToDevice, kSourceAndPktinfo };
enum class ProbeSocketType { kIcmp, kTcp };

// kBindToDevice on Linux, kSourceAndPktinfo on FreeBSD.
InterfaceBinding DefaultInterfaceBinding();
// SO_BINDTODEVICE on Linux; on FreeBSD an Error saying there is none.
Status BindToDevice(int fd, const std::string& interface);

using InterfaceAddressMap =
    std::map<std::string, std::vector<std::array<std::uint8_t, 16>>>;

// Prepares `fd` (an AF_INET6 socket, not yet bound or connected) to send
// through `interface` by `method`, and returns the source address the caller
// must bind: `source` when given, the interface's global address for
// kSourceAndPktinfo, or "" (kernel's choice). Errors are sentences naming
// the interface (no such interface, no global address, permission).
Expected<std::string> BindProbeToInterface(int fd, ProbeSocketType type,
                                           InterfaceBinding method,
                                           const std::string& interface,
                                           const std::string& source);

// The source address a probe through `interface` uses under
// kSourceAndPktinfo, chosen from `addresses` (ReadInterfaceAddresses()) as
// described above. Pure; unit-tested.
Expected<std::string> SelectInterfaceSource(
    const std::string& interface, const InterfaceAddressMap& addresses);

}  // namespace ipv6ha
