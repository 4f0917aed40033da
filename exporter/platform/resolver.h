#pragma once

// Turns a target as configured ("2001:db8::1", "fe80::1%eth0" or a host
// name) into an IPv6 socket address. Names are resolved to AAAA with
// getaddrinfo (blocking: call at load time or from a check's thread, never
// from the prober's engine). Thread safe.

#include <netinet/in.h>

#include <string>

#include "exporter/platform/expected.h"

namespace ipv6ha {

Expected<sockaddr_in6> ResolveIpv6(const std::string& target);

}  // namespace ipv6ha
