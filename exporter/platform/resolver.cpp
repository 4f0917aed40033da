#include "exporter/platform/resolver.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <cstring>

#include "exporter/platform/icmp4_socket.h"
#include "exporter/platform/prober.h"

namespace ipv6ha {
namespace {

Expected<sockaddr_in6> Lookup(const std::string& target, int family) {
  addrinfo hints{};
  hints.ai_family = family;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(target.c_str(), nullptr, &hints, &found);
  if (rc != 0 || found == nullptr) {
    const char* what =
        family == AF_INET6 ? " to an IPv6 address: " : " to an address: ";
    return Error{"cannot resolve " + target + what +
                 (rc != 0 ? gai_strerror(rc) : "no address record")};
  }
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  if (found->ai_family == AF_INET6) {
    std::memcpy(&a, found->ai_addr, sizeof a);
    a.sin6_port = 0;
  } else {
    a.sin6_addr =
        MapIpv4(reinterpret_cast<const sockaddr_in*>(found->ai_addr)->sin_addr);
  }
  freeaddrinfo(found);
  return a;
}

}  // namespace

Expected<sockaddr_in6> ResolveIpv6(const std::string& target) {
  if (target.find(':') != std::string::npos) return ParseIpv6Address(target);
  return Lookup(target, AF_INET6);
}

Expected<sockaddr_in6> ParseAddressLiteral(const std::string& text) {
  if (text.find(':') != std::string::npos) return ParseIpv6Address(text);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) != 1)
    return Error{"\"" + text + "\" is not an IPv4 or IPv6 address"};
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = MapIpv4(v4);
  return a;
}

Expected<sockaddr_in6> ResolveHost(const std::string& target) {
  if (auto literal = ParseAddressLiteral(target)) return literal;
  if (target.find(':') != std::string::npos) return ParseIpv6Address(target);
  if (target.empty()) return Error{"no address given"};
  return Lookup(target, AF_UNSPEC);
}

}  // namespace ipv6ha
