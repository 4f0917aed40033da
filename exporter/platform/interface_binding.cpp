#include "exporter/platform/interface_binding.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "exporter/platform/interface_addresses.h"

namespace ipv6ha {

namespace {

enum class SourceClass { kUnusable, kUniqueLocal, kGlobal };

SourceClass Classify(const std::array<std::uint8_t, 16>& a) {
  if ((a[0] & 0xe0) == 0x20) return SourceClass::kGlobal;       // 2000::/3
  if ((a[0] & 0xfe) == 0xfc) return SourceClass::kUniqueLocal;  // fc00::/7
  // Link-local, loopback, multicast, unspecified, v4-mapped and the rest
  // cannot be the source of a probe that leaves the link.
  return SourceClass::kUnusable;
}

std::string Format(const std::array<std::uint8_t, 16>& a) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, a.data(), text, sizeof text);
  return text;
}

Status SetStickyPktinfo(int fd, ProbeSocketType type, unsigned index,
                        const std::string& interface,
                        const std::string& source) {
  in6_pktinfo info{};
  info.ipi6_ifindex = index;
  // RFC 3542 6.1: ipi6_addr selects the source of every datagram. FreeBSD's
  // ip6_setpktopt refuses a sticky source on TCP (EINVAL); there the bind()
  // that follows sets it.
  if (type == ProbeSocketType::kIcmp && !source.empty() &&
      inet_pton(AF_INET6, source.c_str(), &info.ipi6_addr) != 1) {
    return Error{"source \"" + source + "\" is not an IPv6 address"};
  }
  if (setsockopt(fd, IPPROTO_IPV6, IPV6_PKTINFO, &info, sizeof info) != 0) {
    return Error{"cannot send through interface " + interface +
                 ": setsockopt IPV6_PKTINFO: " + std::strerror(errno)};
  }
  return OkStatus();
}

}  // namespace

Expected<std::string> SelectInterfaceSource(
    const std::string& interface, const InterfaceAddressMap& addresses) {
  auto it = addresses.find(interface);
  if (it == addresses.end()) {
    return Error{"interface " + interface +
                 " has no IPv6 address (or does not exist): a probe through "
                 "it has no source address"};
  }
  std::optional<std::string> unique_local;
  for (const auto& a : it->second) {
    const SourceClass c = Classify(a);
    if (c == SourceClass::kGlobal) return Format(a);
    if (c == SourceClass::kUniqueLocal && !unique_local) {
      unique_local = Format(a);
    }
  }
  if (unique_local) return *unique_local;
  return Error{"interface " + interface +
               " has no global IPv6 address (only link-local ones): a probe "
               "through it has no source address"};
}

Expected<std::string> BindProbeToInterface(int fd, ProbeSocketType type,
                                           InterfaceBinding method,
                                           const std::string& interface,
                                           const std::string& source) {
  if (method == InterfaceBinding::kBindToDevice) {
    auto bound = BindToDevice(fd, interface);
    if (!bound) return bound.error();
    return source;
  }
  const unsigned index = if_nametoindex(interface.c_str());
  if (index == 0) {
    return Error{"cannot send through interface " + interface +
                 ": no such interface"};
  }
  std::string chosen = source;
  if (chosen.empty()) {
    auto addresses = ReadInterfaceAddresses();
    if (!addresses) return addresses.error();
    auto selected = SelectInterfaceSource(interface, *addresses);
    if (!selected) return selected.error();
    chosen = *selected;
  }
  auto set = SetStickyPktinfo(fd, type, index, interface, chosen);
  if (!set) return set.error();
  return chosen;
}

}  // namespace ipv6ha
