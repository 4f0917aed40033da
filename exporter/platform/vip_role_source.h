#pragma once

// Role from a virtual address (keepalived, ucarp): MASTER when the configured
// address is assigned to an interface of this node (getifaddrs), BACKUP when
// it is not. On Linux an IPv6 address still in duplicate address detection
// ("tentative") or that failed it ("dadfailed") does not count: the flags
// come from /proc/net/if_inet6. Not thread safe; one caller.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "exporter/platform/role_source.h"

namespace ipv6ha {

// Linux IFA_F_* flags of the address `address` (any textual form) in the
// text of /proc/net/if_inet6 ("fd000000...0001 02 40 00 80 eth0");
// nullopt when it is not listed.
std::optional<std::uint32_t> FindIfInet6Flags(std::string_view proc_text,
                                              const std::string& address);

class VipRoleSource : public RoleSource {
 public:
  // `proc_if_inet6` is the flags file (empty: do not look at flags).
  explicit VipRoleSource(std::string vip,
                         std::string proc_if_inet6 = "/proc/net/if_inet6");
  RoleReading Read() override;

 private:
  std::string vip_;
  std::string proc_if_inet6_;
};

}  // namespace ipv6ha
