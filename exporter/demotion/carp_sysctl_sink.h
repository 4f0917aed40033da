#pragma once

// Sink `carp_sysctl`: adds and removes our own contribution as deltas on an
// additive counter (net.inet.carp.demotion in the daemon, a fake in tests),
// never an absolute value, so the kernel's, pfsync's and OPNsense's
// (2^20 service flag) contributions are left alone.

#include <memory>

#include "exporter/demotion/demotion_sink.h"

namespace ipv6ha {

class CarpSysctlSink : public DemotionSink {
 public:
  explicit CarpSysctlSink(std::unique_ptr<DemotionCounter> counter);
  Status Apply(int from, int to) override;
  Expected<std::int64_t> ReadBack() override { return counter_->Read(); }
  std::string_view Name() const override { return "carp_sysctl"; }
  bool Additive() const override { return true; }
  Expected<std::string> Epoch() override { return counter_->Epoch(); }

 private:
  std::unique_ptr<DemotionCounter> counter_;
};

// net.inet.carp.demotion through sysctlbyname (errors on non-FreeBSD).
std::unique_ptr<DemotionCounter> MakeKernelCarpDemotionCounter();

}  // namespace ipv6ha
