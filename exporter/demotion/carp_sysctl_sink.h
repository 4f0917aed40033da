#pragma once

// Sink `carp_sysctl`: net.inet.carp.demotion as an additive DemotionCounter
// (AdditiveSink writes our contribution to it as deltas only, so the
// kernel's, pfsync's and OPNsense's (2^20 service flag) parts are left
// alone).

#include <memory>

#include "exporter/demotion/demotion_sink.h"

namespace ipv6ha {

// net.inet.carp.demotion through sysctlbyname (errors on non-FreeBSD).
std::unique_ptr<DemotionCounter> MakeKernelCarpDemotionCounter();

}  // namespace ipv6ha
