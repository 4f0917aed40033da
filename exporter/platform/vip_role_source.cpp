#include "exporter/platform/vip_role_source.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "exporter/base/expected.h"
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

namespace {

struct WantedAddress {
  bool is6 = false;
  bool is4 = false;
  in6_addr v6{};
  in_addr v4{};
};

bool Holds(const sockaddr& a, const WantedAddress& want) {
  if (want.is6 && a.sa_family == AF_INET6) {
    const auto& sin6 = reinterpret_cast<const sockaddr_in6&>(a);
    return std::memcmp(&sin6.sin6_addr, &want.v6, sizeof(want.v6)) == 0;
  }
  if (want.is4 && a.sa_family == AF_INET) {
    const auto& sin = reinterpret_cast<const sockaddr_in&>(a);
    return sin.sin_addr.s_addr == want.v4.s_addr;
  }
  return false;
}

// The interface that holds the address (empty: none holds it), or why the
// addresses could not be listed.
Expected<std::string> InterfaceHolding(const WantedAddress& want) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return Error{std::string("getifaddrs failed: ") + std::strerror(errno)};
  }
  const std::unique_ptr<ifaddrs, void (*)(ifaddrs*)> owned(list, freeifaddrs);
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr != nullptr && Holds(*i->ifa_addr, want)) {
      return RepairUtf8(i->ifa_name);  // a name may hold any byte
    }
  }
  return std::string();
}

// Why an IPv6 address the interface holds cannot be used yet, from its
// flags in /proc/net/if_inet6 ("failed duplicate address detection", "is
// tentative (DAD running)"); empty when it can, or the file cannot say.
std::string DadProblem(const std::string& proc_if_inet6,
                       const std::string& vip) {
  std::ifstream f(proc_if_inet6);
  if (!f) return "";
  std::ostringstream text;
  text << f.rdbuf();
  const auto flags = FindIfInet6Flags(text.str(), vip);
  if (!flags) return "";
  if (*flags & kIfaFDadFailed) return "failed duplicate address detection";
  if (*flags & kIfaFTentative) return "is tentative (DAD running)";
  return "";
}

}  // namespace

VipRoleSource::VipRoleSource(std::string vip, std::string proc_if_inet6)
    : vip_(std::move(vip)), proc_if_inet6_(std::move(proc_if_inet6)) {}

RoleReading VipRoleSource::Read() {
  RoleReading reading;
  reading.carp_demotion_error = "role source is vip";
  WantedAddress want;
  want.is6 = inet_pton(AF_INET6, vip_.c_str(), &want.v6) == 1;
  want.is4 = !want.is6 && inet_pton(AF_INET, vip_.c_str(), &want.v4) == 1;
  if (!want.is6 && !want.is4) {
    reading.error = "role.vip \"" + vip_ + "\" is not an IP address";
    return reading;
  }
  auto found_on = InterfaceHolding(want);
  if (!found_on) {
    reading.error = found_on.error().message;
    return reading;
  }
  if (found_on->empty()) {
    reading.role = Role::kBackup;
    reading.detail = vip_ + " not present";
    return reading;
  }
  if (want.is6 && !proc_if_inet6_.empty()) {
    if (auto why = DadProblem(proc_if_inet6_, vip_); !why.empty()) {
      reading.role = Role::kBackup;
      reading.detail = vip_ + " on " + *found_on + " " + why;
      return reading;
    }
  }
  reading.role = Role::kMaster;
  reading.detail = vip_ + " present on " + *found_on;
  return reading;
}

}  // namespace ipv6ha
