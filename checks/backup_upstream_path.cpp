#include "checks/backup_upstream_path.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "exporter/platform/prober.h"
#include "exporter/text/join.h"

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
  // Distinct reasons in order; "no route to a" and "no route to c" (with
  // the same " via igc0", if any) become one "no route to a, c".
  static constexpr std::string_view kNoRoute = "no route to ";
  struct Reason {
    bool route = false;
    std::string text;     // the reason, or for a route the " via ..." part
    std::string targets;  // route: "a, c"
  };
  std::vector<Reason> reasons;
  for (const auto& m : missing) {
    if (m.empty()) continue;
    Reason r;
    if (m.rfind(kNoRoute, 0) == 0) {
      const std::string rest = m.substr(kNoRoute.size());
      const auto space = std::min(rest.find(' '), rest.size());
      r = {true, rest.substr(space), rest.substr(0, space)};
    } else {
      r.text = m;
    }
    auto same = std::find_if(
        reasons.begin(), reasons.end(),
        [&](const auto& x) { return x.route == r.route && x.text == r.text; });
    if (same == reasons.end()) {
      reasons.push_back(std::move(r));
    } else if (r.route) {
      same->targets += ", " + r.targets;
    }
  }
  std::vector<std::string> out;
  out.reserve(reasons.size());
  for (const auto& r : reasons) {
    out.push_back(r.route ? std::string(kNoRoute) + r.targets + r.text
                          : r.text);
  }
  return Join(out, "; ");
}

}  // namespace ipv6ha
