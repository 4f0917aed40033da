#pragma once

// Would a probe to `target` leave this node, and from which address? The
// kernel answers without a packet being sent: connect() on a datagram
// socket looks up the route (and fails with ENETUNREACH or EHOSTUNREACH
// when there is none), and getsockname() then gives the source address
// the kernel selected for it (RFC 6724).
//
// The lookup mirrors how the prober sends (source, interface):
// - Linux (route_lookup_linux.cpp): `interface` binds the socket with
//   SO_BINDTODEVICE (BindToDevice, interface_binding.h, as the probes are
//   bound), so only routes through it count; a configured `source`
//   is bound first, so source-based policy routing applies as for a probe.
// - FreeBSD (route_lookup_freebsd.cpp): the route depends on the
//   destination alone, and connect() on a socket bound to a source skips
//   the route lookup (in6_selectsrc returns the bound address), so the
//   route is looked up on an unbound socket and a configured `source` is
//   checked on its own. FreeBSD has no SO_BINDTODEVICE: a probe through an
//   interface sends from that interface's global address with
//   IPV6_PKTINFO (interface_binding.h), and OPNsense routes it by that
//   source, so the caller checks the interface's addresses
//   (ReadInterfaceAddresses()) and the lookup only that it exists.
//
// Thread safe; the lookup happens in the calling thread's network
// namespace. Nothing is sent.

#include <netinet/in.h>

#include <string>

namespace ipv6ha {

enum class RouteState {
  kFound,            // a route; `source` is what a probe would send from
  kNoRoute,          // no route to the target (through `interface`, if given)
  kNoSourceAddress,  // a route, but no address of this node to send from
  kSourceNotLocal,   // the configured source is not an address of this node
  kNoInterface,      // the configured interface does not exist
  kError,            // the lookup itself failed (`error` says why)
};

struct RouteLookup {
  RouteState state = RouteState::kError;
  in6_addr source{};  // kFound: the configured source, else the kernel's
  std::string error;  // otherwise: the system's reason (strerror)
};

// `source` (an IPv6 literal) and `interface` may be empty.
RouteLookup LookUpRoute(const sockaddr_in6& target, const std::string& source,
                        const std::string& interface);

// The parts both systems share (route_lookup.cpp).
namespace route_lookup {

// kFound when `interface` is empty or exists, else kNoInterface.
RouteLookup CheckInterface(const std::string& interface);
// kError "cannot open a UDP socket: ..." from errno.
RouteLookup CannotOpen();

// A non-blocking, close-on-exec AF_INET6 datagram socket, or -1 (errno set).
int OpenDatagramSocket();
// Binds `fd` to `source`: kFound, kSourceNotLocal (EADDRNOTAVAIL) or
// kError.
RouteLookup BindSource(int fd, const std::string& source);
// connect() to `target` (port 9, discard: the port plays no part in the
// route) and getsockname(): kFound with the source, kNoRoute,
// kNoSourceAddress or kError.
RouteLookup ConnectAndReadSource(int fd, const sockaddr_in6& target);

}  // namespace route_lookup
}  // namespace ipv6ha
