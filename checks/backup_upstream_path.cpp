#include "checks/backup_upstream_path.h"

#include <algorithm>
#include <cstring>

#include "exporter/platform/prober.h"

namespace ipv6ha {
namespace {

// How far an address reaches, in order.
enum class Reach { kLink, kUniqueLocal, kGlobal };

using Bytes = std::array<std::uint8_t, 16>;

Bytes BytesOf(const in6_addr& a) {
  Bytes b{};
  std::memcpy(b.data(), &a, b.size());
  return b;
}

// As a source: only 2000::/3 reaches the internet, fc00::/7 a site; the
// rest (link-local, loopback, ...) does not leave the link.
Reach SourceReach(const Bytes& a) {
  if ((a[0] & 0xe0) == 0x20) return Reach::kGlobal;
  if ((a[0] & 0xfe) == 0xfc) return Reach::kUniqueLocal;
  return Reach::kLink;
}

// As a target: the reach a source needs to get there.
Reach NeededReach(const Bytes& a) {
  const bool link_local = a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
  static constexpr Bytes kLoopback = {0, 0, 0, 0, 0, 0, 0, 0,
                                      0, 0, 0, 0, 0, 0, 0, 1};
  if (link_local || a == kLoopback) return Reach::kLink;
  if ((a[0] & 0xfe) == 0xfc) return Reach::kUniqueLocal;
  return Reach::kGlobal;
}

const char* AddressKind(Reach needed) {
  return needed == Reach::kUniqueLocal ? "global or unique local" : "global";
}

std::string Format(const Bytes& a) {
  in6_addr addr{};
  std::memcpy(&addr, a.data(), a.size());
  return FormatIpv6Address(addr);
}

// The interface that holds `a`, or "".
std::string HolderOf(const Bytes& a, const InterfaceAddressMap& addresses) {
  for (const auto& [name, list] : addresses) {
    if (std::find(list.begin(), list.end(), a) != list.end()) return name;
  }
  return "";
}

std::string MissingOnInterface(const std::string& interface, Reach needed,
                               const InterfaceAddressMap& addresses) {
  auto it = addresses.find(interface);
  if (it == addresses.end()) return "no IPv6 address on " + interface;
  for (const auto& a : it->second) {
    if (SourceReach(a) >= needed) return "";
  }
  return std::string("no ") + AddressKind(needed) + " address on " + interface;
}

std::string MissingRoute(const std::string& target_name,
                         const RouteLookup& route, const ProbePath& how) {
  const std::string via = how.interface.empty() ? "" : " via " + how.interface;
  switch (route.state) {
    case RouteState::kFound:
      return "";
    case RouteState::kNoRoute:
      return "no route to " + target_name + via;
    case RouteState::kNoSourceAddress:
      return "no address to send from towards " + target_name + via;
    case RouteState::kSourceNotLocal:
      return "source " + how.source + " is not an address of this node";
    case RouteState::kNoInterface:
      return "no interface " + how.interface;
    case RouteState::kError:
      break;
  }
  return "cannot look up the route to " + target_name + via + ": " +
         route.error;
}

}  // namespace

std::string MissingUpstreamPath(const std::string& target_name,
                                const in6_addr& target,
                                const RouteLookup& route, const ProbePath& how,
                                const InterfaceAddressMap& addresses) {
  const Reach needed = NeededReach(BytesOf(target));
  // What the interface lacks comes first: it explains a missing route too.
  if (how.source.empty() && !how.interface.empty() &&
      route.state != RouteState::kNoInterface) {
    std::string missing = MissingOnInterface(how.interface, needed, addresses);
    if (!missing.empty()) return missing;
  }
  if (std::string missing = MissingRoute(target_name, route, how);
      !missing.empty()) {
    return missing;
  }
  const Bytes source = BytesOf(route.source);
  if (SourceReach(source) >= needed) return "";
  if (!how.source.empty()) {
    return "source " + how.source + " is not a " + AddressKind(needed) +
           " address: it reaches " + target_name + " only through NPTv6";
  }
  if (!how.interface.empty()) return "";  // the interface's address is used
  const std::string holder = HolderOf(source, addresses);
  return std::string("no ") + AddressKind(needed) + " source address towards " +
         target_name + " (the kernel would send from " + Format(source) +
         (holder.empty() ? "" : " on " + holder) + ")";
}

std::string MissingUpstreamPaths(const std::vector<std::string>& missing,
                                 int quorum) {
  const auto usable = std::count(missing.begin(), missing.end(), "");
  if (usable >= quorum) return "";
  std::vector<std::string> distinct;
  for (const auto& m : missing) {
    if (!m.empty() &&
        std::find(distinct.begin(), distinct.end(), m) == distinct.end()) {
      distinct.push_back(m);
    }
  }
  std::string out;
  for (const auto& m : distinct) out += (out.empty() ? "" : "; ") + m;
  return out;
}

}  // namespace ipv6ha
