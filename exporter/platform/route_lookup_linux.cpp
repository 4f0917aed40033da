// Linux: the route through the probe's interface (SO_BINDTODEVICE, socket(7))
// from the probe's source, as ip6_datagram_connect looks it up for a probe.
#include <net/if.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "exporter/platform/route_lookup.h"
#include "exporter/platform/unique_fd.h"

namespace ipv6ha {

RouteLookup LookUpRoute(const sockaddr_in6& target, const std::string& source,
                        const std::string& interface) {
  UniqueFd fd(route_lookup::OpenDatagramSocket());
  if (fd.get() < 0) {
    RouteLookup r;
    r.error = std::string("cannot open a UDP socket: ") + std::strerror(errno);
    return r;
  }
  if (!interface.empty() &&
      setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, interface.c_str(),
                 static_cast<socklen_t>(interface.size())) != 0) {
    RouteLookup r;
    r.state = errno == ENODEV ? RouteState::kNoInterface : RouteState::kError;
    r.error = std::strerror(errno);
    return r;
  }
  if (!source.empty()) {
    RouteLookup bound = route_lookup::BindSource(fd.get(), source);
    if (bound.state != RouteState::kFound) return bound;
  }
  return route_lookup::ConnectAndReadSource(fd.get(), target);
}

}  // namespace ipv6ha
