#include "exporter/platform/vip_role_source.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "exporter/text/utf8.h"

namespace ipv6ha {
namespace {

constexpr std::uint32_t kIfaFTentative = 0x40;  // IFA_F_TENTATIVE
constexpr std::uint32_t kIfaFDadFailed = 0x08;  // IFA_F_DADFAILED

std::string HexOf(const in6_addr& a) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : a.s6_addr) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

}  // namespace

std::optional<std::uint32_t> FindIfInet6Flags(std::string_view proc_text,
                                              const std::string& address) {
  in6_addr want{};
  if (inet_pton(AF_INET6, address.c_str(), &want) != 1) return std::nullopt;
  const std::string hex = HexOf(want);
  std::istringstream in{std::string(proc_text)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string addr, ifindex, plen, scope, flags;
    if (!(fields >> addr >> ifindex >> plen >> scope >> flags)) continue;
    if (addr != hex) continue;
    return static_cast<std::uint32_t>(std::stoul(flags, nullptr, 16));
  }
  return std::nullopt;
}

VipRoleSource::VipRoleSource(std::string vip, std::string proc_if_inet6)
    : vip_(std::move(vip)), proc_if_inet6_(std::move(proc_if_inet6)) {}

RoleReading VipRoleSource::Read() {
  RoleReading reading;
  reading.carp_demotion_error = "role source is vip";
  in6_addr want6{};
  in_addr want4{};
  const bool is6 = inet_pton(AF_INET6, vip_.c_str(), &want6) == 1;
  const bool is4 = !is6 && inet_pton(AF_INET, vip_.c_str(), &want4) == 1;
  if (!is6 && !is4) {
    reading.error = "role.vip \"" + vip_ + "\" is not an IP address";
    return reading;
  }
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    reading.error = std::string("getifaddrs failed: ") + std::strerror(errno);
    return reading;
  }
  std::string found_on;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr) continue;
    if (is6 && i->ifa_addr->sa_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
      if (std::memcmp(&sin6->sin6_addr, &want6, sizeof(want6)) == 0) {
        found_on = RepairUtf8(i->ifa_name);  // a name may hold any byte
        break;
      }
    }
    if (is4 && i->ifa_addr->sa_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
      if (sin->sin_addr.s_addr == want4.s_addr) {
        found_on = RepairUtf8(i->ifa_name);  // a name may hold any byte
        break;
      }
    }
  }
  freeifaddrs(list);
  if (found_on.empty()) {
    reading.role = Role::kBackup;
    reading.detail = vip_ + " not present";
    return reading;
  }
  if (is6 && !proc_if_inet6_.empty()) {
    std::ifstream f(proc_if_inet6_);
    if (f) {
      std::ostringstream text;
      text << f.rdbuf();
      if (auto flags = FindIfInet6Flags(text.str(), vip_)) {
        if (*flags & kIfaFDadFailed) {
          reading.role = Role::kBackup;
          reading.detail =
              vip_ + " on " + found_on + " failed duplicate address detection";
          return reading;
        }
        if (*flags & kIfaFTentative) {
          reading.role = Role::kBackup;
          reading.detail =
              vip_ + " on " + found_on + " is tentative (DAD running)";
          return reading;
        }
      }
    }
  }
  reading.role = Role::kMaster;
  reading.detail = vip_ + " present on " + found_on;
  return reading;
}

}  // namespace ipv6ha
