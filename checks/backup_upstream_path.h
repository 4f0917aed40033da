#pragma once

// Can a BACKUP vouch for its upstream? Under `backup_policy: auto` (the
// default of ipv6_connectivity) a BACKUP evaluates the check only when its
// probes would leave through a usable upstream path: a route towards the
// targets (through the probe's `interface`, when one is configured) and a
// global source address to send from (the configured `source`, else the
// interface's, else the kernel's choice). Without one -- the singleton
// setup whose BACKUP has its WAN down, a WAN link that is down, a BACKUP
// whose default route leads through the MASTER from a unique local
// address -- the check reports `unknown` "no upstream path in BACKUP: ...",
// naming what is missing, and the peer cannot count it as vouching.
//
// "Global" depends on the target: a target in 2000::/3 (or any other
// non-local address) needs a source in 2000::/3; a unique local target
// (fc00::/7) also accepts a unique local source; a link-local or loopback
// target accepts any source. A unique local source towards a global target
// reaches it only through NPTv6, which a BACKUP does not apply: that is no
// upstream path either (set `backup_policy: check` where it does).
//
// Pure: the facts come from LookUpRoute() and ReadInterfaceAddresses().

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "exporter/platform/route_lookup.h"

namespace ipv6ha {

using InterfaceAddressMap =
    std::map<std::string, std::vector<std::array<std::uint8_t, 16>>>;

// How the check's probes are sent (its `source` and `interface`, either
// may be empty).
struct ProbePath {
  std::string source;
  std::string interface;
};

// "" when a probe to `target` (shown as `target_name`) has a usable
// upstream path, else what is missing: "no global address on igc0",
// "no route to 2001:db8::1 via igc0", "source fd00:10::1 is not an address
// of this node", "no global source address towards 2001:db8::1 (the kernel
// would send from fd00:10::3 on lan)".
std::string MissingUpstreamPath(const std::string& target_name,
                                const in6_addr& target,
                                const RouteLookup& route, const ProbePath& how,
                                const InterfaceAddressMap& addresses);

// Over all targets (one entry of MissingUpstreamPath per target): "" when
// at least `quorum` targets have a usable path, so the check could pass and
// its result is evidence; else the distinct reasons, joined by "; ", the
// targets without a route named once: "no route to 2001:db8::1,
// 2001:db8::2; no global address on igc0".
std::string MissingUpstreamPaths(const std::vector<std::string>& missing,
                                 int quorum);

}  // namespace ipv6ha
