#pragma once

// Turns a target as configured into a socket address for the prober.
// Names are resolved with getaddrinfo (blocking: call at load time or from
// a check's thread, never from the prober's engine). Thread safe.
//
// ResolveIpv6: "2001:db8::1", "fe80::1%eth0" or a name with an AAAA record.
// ResolveHost: the same, or an IPv4 literal ("192.0.2.2"), or a name with
// an A record; IPv4 comes back IPv4-mapped (::ffff:192.0.2.2), which the
// prober probes over IPv4 (ICMPv4, TCP). For a name with both, the first
// address getaddrinfo gives (the system's preference, RFC 6724).

#include <netinet/in.h>

#include <string>

#include "exporter/base/expected.h"

namespace ipv6ha {

Expected<sockaddr_in6> ResolveIpv6(const std::string& target);
Expected<sockaddr_in6> ResolveHost(const std::string& target);
// An IPv6 or IPv4 literal (IPv4 mapped), never a name: no lookup.
Expected<sockaddr_in6> ParseAddressLiteral(const std::string& text);

}  // namespace ipv6ha
