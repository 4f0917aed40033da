// FreeBSD: the route by destination on an unbound socket (in6_pcbconnect
// looks up no route for a socket bound to a source); a configured source is
// checked by binding a second socket to it. See route_lookup.h.
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
  RouteLookup route = route_lookup::ConnectAndReadSource(fd.get(), target);
  if (route.state != RouteState::kFound || source.empty()) return route;
  UniqueFd bound(route_lookup::OpenDatagramSocket());
  if (bound.get() < 0) return route_lookup::CannotOpen();
  return route_lookup::BindSource(bound.get(), source);
}

}  // namespace ipv6ha
