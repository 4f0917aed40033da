#include "exporter/platform/interface_addresses.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "exporter/text/utf8.h"

namespace ipv6ha {

Expected<std::map<std::string, std::vector<std::array<std::uint8_t, 16>>>>
ReadInterfaceAddresses() {
  struct ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return Error{std::string("cannot list interface addresses: ") +
                 std::strerror(errno)};
  }
  std::unique_ptr<struct ifaddrs, void (*)(struct ifaddrs*)> owner(list,
                                                                   freeifaddrs);
  std::map<std::string, std::vector<std::array<std::uint8_t, 16>>> out;
  for (auto* ifa = list; ifa != nullptr; ifa = ifa->ifa_next) {
    if (ifa->ifa_addr == nullptr || ifa->ifa_addr->sa_family != AF_INET6 ||
        ifa->ifa_name == nullptr) {
      continue;
    }
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ifa->ifa_addr);
    std::array<std::uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), &sin6->sin6_addr, 16);
    out[RepairUtf8(ifa->ifa_name)].push_back(bytes);  // names may hold any byte
  }
  return out;
}

}  // namespace ipv6ha
