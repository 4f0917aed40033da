#include "exporter/platform/resolver.h"

#include <netdb.h>
#include <sys/socket.h>

#include <cstring>

#include "exporter/platform/prober.h"

namespace ipv6ha {

Expected<sockaddr_in6> ResolveIpv6(const std::string& target) {
  if (target.find(':') != std::string::npos) return ParseIpv6Address(target);
  addrinfo hints{};
  hints.ai_family = AF_INET6;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(target.c_str(), nullptr, &hints, &found);
  if (rc != 0 || found == nullptr) {
    return Error{"cannot resolve " + target + " to an IPv6 address: " +
                 (rc != 0 ? gai_strerror(rc) : "no AAAA record")};
  }
  sockaddr_in6 a{};
  std::memcpy(&a, found->ai_addr, sizeof a);
  a.sin6_port = 0;
  freeaddrinfo(found);
  return a;
}

}  // namespace ipv6ha
