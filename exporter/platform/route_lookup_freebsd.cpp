// FreeBSD: the route by destination on an unbound socket (in6_pcbconnect
// looks up no route for a socket bound to a source); a configured source is
// checked by binding a second socket to it. See route_lookup.h.
#include <net/if.h>

#include <cerrno>
#include <cstring>

#include "exporter/platform/route_lookup.h"
#include "exporter/platform/unique_fd.h"

namespace ipv6ha {

namespace {

RouteLookup CannotOpen() {
  RouteLookup r;
  r.error = std::string("cannot open a UDP socket: ") + std::strerror(errno);
  return r;
}

}  // namespace

RouteLookup LookUpRoute(const sockaddr_in6& target, const std::string& source,
                        const std::string& interface) {
  if (!interface.empty() && if_nametoindex(interface.c_str()) == 0) {
    RouteLookup r;
    r.state = RouteState::kNoInterface;
    r.error = std::strerror(ENXIO);
    return r;
  }
  UniqueFd fd(route_lookup::OpenDatagramSocket());
  if (fd.get() < 0) return CannotOpen();
  RouteLookup route = route_lookup::ConnectAndReadSource(fd.get(), target);
  if (route.state != RouteState::kFound || source.empty()) return route;
  UniqueFd bound(route_lookup::OpenDatagramSocket());
  if (bound.get() < 0) return CannotOpen();
  return route_lookup::BindSource(bound.get(), source);
}

}  // namespace ipv6ha
