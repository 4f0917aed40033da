// Linux: the route through the probe's interface (SO_BINDTODEVICE, as the
// probes are bound: interface_binding.h) from the probe's source, as
// ip6_datagram_connect looks it up for a probe.
#include <cerrno>
#include <cstring>

#include "exporter/platform/interface_binding.h"
#include "exporter/platform/route_lookup.h"
#include "exporter/platform/unique_fd.h"

namespace ipv6ha {

RouteLookup LookUpRoute(const sockaddr_in6& target, const std::string& source,
                        const std::string& interface) {
  if (RouteLookup missing = route_lookup::CheckInterface(interface);
      missing.state != RouteState::kFound) {
    return missing;
  }
  UniqueFd fd(route_lookup::OpenDatagramSocket());
  if (fd.get() < 0) return route_lookup::CannotOpen();
  if (!interface.empty()) {
    if (auto bound = BindToDevice(fd.get(), interface); !bound) {
      RouteLookup r;
      r.error = bound.error().message;
      return r;
    }
  }
  if (!source.empty()) {
    RouteLookup bound = route_lookup::BindSource(fd.get(), source);
    if (bound.state != RouteState::kFound) return bound;
  }
  return route_lookup::ConnectAndReadSource(fd.get(), target);
}

}  // namespace ipv6ha
