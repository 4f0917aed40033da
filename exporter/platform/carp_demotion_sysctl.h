#pragma once

// net.inet.carp.demotion, FreeBSD's shared CARP demotion counter. Reading
// gives the total of every contributor; writing N *adds* N (negative N
// subtracts). On other systems both calls return an Error saying so.
// The only file that calls sysctlbyname.

#include <cstdint>
#include <string>

#include "exporter/platform/expected.h"

namespace ipv6ha {

Expected<std::int64_t> ReadCarpDemotion();
Status AddCarpDemotion(std::int64_t delta);
// Identifies the life of the counter: the kernel boot time. A different
// value than the one recorded means the counter was reset (reboot).
Expected<std::string> CarpDemotionEpoch();

}  // namespace ipv6ha
