// net.inet.carp.demotion and the boot epoch through sysctlbyname(3).

// sysctl(3) SYNOPSIS: <sys/types.h> before <sys/sysctl.h>. clang-format's
// include regrouping would sort it after, hence off.
// clang-format off
#include <sys/types.h>
#include <sys/sysctl.h>
#include <sys/time.h>
// clang-format on

#include <cerrno>
#include <cstring>

#include "exporter/platform/carp_demotion_sysctl.h"

namespace ipv6ha {

Expected<std::int64_t> ReadCarpDemotion() {
  int value = 0;
  size_t len = sizeof(value);
  if (sysctlbyname("net.inet.carp.demotion", &value, &len, nullptr, 0) != 0) {
    return Error{std::string("cannot read net.inet.carp.demotion: ") +
                 std::strerror(errno) + " (is the carp module loaded?)"};
  }
  return static_cast<std::int64_t>(value);
}

Status AddCarpDemotion(std::int64_t delta) {
  auto value = CarpDemotionWriteValue(delta);
  if (!value) return value.error();
  if (sysctlbyname("net.inet.carp.demotion", nullptr, nullptr, &*value,
                   sizeof(*value)) != 0) {
    return Error{"cannot add " + std::to_string(delta) +
                 " to net.inet.carp.demotion: " + std::strerror(errno) +
                 (errno == EPERM ? " (needs root)" : "")};
  }
  return OkStatus();
}

Expected<std::string> CarpDemotionEpoch() {
  // kern.boot_id (sys/kern/kern_mib.c): 16 random bytes drawn once per boot.
  // kern.boottime is not stable enough on its own: tc_setclock() and leap
  // seconds (sys/kern/kern_tc.c) move it, and a moved epoch would make a
  // restarted daemon think the counter was reset and add its share twice.
  unsigned char boot_id[16] = {};
  size_t len = sizeof(boot_id);
  if (sysctlbyname("kern.boot_id", boot_id, &len, nullptr, 0) == 0) {
    return FormatBootIdEpoch(boot_id, len);
  }
  if (errno != ENOENT) {
    // ENXIO: the entropy pool is not seeded yet. No epoch is better than a
    // different one later (see DemotionService::ReconcileLocked).
    return Error{std::string("cannot read kern.boot_id: ") +
                 std::strerror(errno)};
  }
  struct timeval boot {};
  len = sizeof(boot);
  if (sysctlbyname("kern.boottime", &boot, &len, nullptr, 0) != 0) {
    return Error{std::string("cannot read kern.boottime: ") +
                 std::strerror(errno)};
  }
  return FormatBoottimeEpoch(boot.tv_sec);
}

}  // namespace ipv6ha
