#include "exporter/platform/route_lookup.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace ipv6ha::route_lookup {

namespace {

RouteLookup Failed(RouteState state, int err) {
  RouteLookup r;
  r.state = state;
  r.error = std::strerror(err);
  return r;
}

}  // namespace

RouteLookup CheckInterface(const std::string& interface) {
  RouteLookup r;
  r.state = RouteState::kFound;
  if (!interface.empty() && if_nametoindex(interface.c_str()) == 0) {
    r.state = RouteState::kNoInterface;
    r.error = "no such interface";
  }
  return r;
}

RouteLookup CannotOpen() {
  RouteLookup r;
  r.error = std::string("cannot open a UDP socket: ") + std::strerror(errno);
  return r;
}

int OpenDatagramSocket() {
  const int fd = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
  if (fd < 0) return -1;
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  return fd;
}

RouteLookup BindSource(int fd, const std::string& source) {
  sockaddr_in6 local{};
  local.sin6_family = AF_INET6;
  if (inet_pton(AF_INET6, source.c_str(), &local.sin6_addr) != 1) {
    RouteLookup r;
    r.error = "source \"" + source + "\" is not an IPv6 address";
    return r;
  }
  if (bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
    return Failed(errno == EADDRNOTAVAIL ? RouteState::kSourceNotLocal
                                         : RouteState::kError,
                  errno);
  }
  RouteLookup r;
  r.state = RouteState::kFound;
  r.source = local.sin6_addr;
  return r;
}

RouteLookup ConnectAndReadSource(int fd, const sockaddr_in6& target) {
  sockaddr_in6 to = target;
  to.sin6_port = htons(9);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
    const int err = errno;
    if (err == ENETUNREACH || err == EHOSTUNREACH) {
      return Failed(RouteState::kNoRoute, err);
    }
    // Source address selection found nothing to send from.
    if (err == EADDRNOTAVAIL) return Failed(RouteState::kNoSourceAddress, err);
    return Failed(RouteState::kError, err);
  }
  sockaddr_in6 local{};
  socklen_t len = sizeof local;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) {
    return Failed(RouteState::kError, errno);
  }
  RouteLookup r;
  r.state = RouteState::kFound;
  r.source = local.sin6_addr;
  return r;
}

}  // namespace ipv6ha::route_lookup
