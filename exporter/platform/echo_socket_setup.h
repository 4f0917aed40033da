#pragma once

// What the two echo sockets (Icmp6Socket, Icmp4Socket) share when they
// open: the non-blocking, close-on-exec descriptor with kernel receive
// timestamps (SO_TIMESTAMPNS, else SO_TIMESTAMP) and a 1 MiB receive
// buffer, and (Linux) kAuto's fallback from a raw socket to the
// unprivileged ping socket.

#include <string>

#include "exporter/base/expected.h"
#include "exporter/platform/icmp6_socket.h"
#include "exporter/platform/unique_fd.h"

namespace ipv6ha {

// socket(family, raw ? SOCK_RAW : SOCK_DGRAM, protocol), set up as above.
// `what` names it in errors: "cannot open raw ICMPv6 socket: ...".
Expected<UniqueFd> OpenEchoFd(int family, int protocol, IcmpSocketKind kind,
                              const std::string& what);

// kAuto on Linux: `open(kRaw)`, else `open(kDatagram)`, else both reasons
// and what to change.
template <typename Socket, typename OpenFn>
Expected<Socket> OpenRawElseDatagram(OpenFn open) {
  auto raw = open(IcmpSocketKind::kRaw);
  if (raw) return raw;
  auto dgram = open(IcmpSocketKind::kDatagram);
  if (dgram) return dgram;
  return Error{raw.error().message + "; " + dgram.error().message +
               " (run as root, grant CAP_NET_RAW, or widen "
               "net.ipv4.ping_group_range)"};
}

}  // namespace ipv6ha
