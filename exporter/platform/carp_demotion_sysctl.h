#pragma once

// net.inet.carp.demotion, FreeBSD's shared CARP demotion counter. Reading
// gives the total of every contributor; writing N *adds* N (negative N
// subtracts). On other systems ReadCarpDemotion, AddCarpDemotion and
// CarpDemotionEpoch return an Error saying so.
// carp_demotion_sysctl_freebsd.cpp is the only file that calls
// sysctlbyname; carp_demotion_sysctl_linux.cpp says "not FreeBSD". The pure
// helpers below (carp_demotion_sysctl.cpp) are built and unit-tested on
// every system.

#include <cstddef>
#include <cstdint>
#include <string>

#include "exporter/base/expected.h"

namespace ipv6ha {

Expected<std::int64_t> ReadCarpDemotion();
Status AddCarpDemotion(std::int64_t delta);
// Identifies the life of the counter: the kernel's random boot ID
// (kern.boot_id), or kern.boottime's seconds on kernels without it. A
// different value than the one recorded means the counter was reset
// (reboot).
Expected<std::string> CarpDemotionEpoch();

// The value to write for `delta`. The kernel's handler (carp_demote_adj_sysctl
// in sys/netinet/ip_carp.c) reads an int and adds it with atomic_add_int, so
// a delta outside int's range must be refused, not truncated.
Expected<int> CarpDemotionWriteValue(std::int64_t delta);
// "bootid:" and the bytes of kern.boot_id in lower-case hex.
std::string FormatBootIdEpoch(const unsigned char* bytes, std::size_t size);
// "boot:" and kern.boottime's tv_sec. Only the seconds: the microseconds are
// noise for this purpose.
std::string FormatBoottimeEpoch(std::int64_t boot_seconds);

}  // namespace ipv6ha
