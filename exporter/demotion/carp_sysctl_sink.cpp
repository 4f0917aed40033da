#include "exporter/demotion/carp_sysctl_sink.h"

#include "exporter/platform/carp_demotion_sysctl.h"

namespace ipv6ha {
namespace {

class KernelCarpDemotionCounter : public DemotionCounter {
 public:
  Expected<std::int64_t> Read() override { return ReadCarpDemotion(); }
  Status Add(std::int64_t delta) override { return AddCarpDemotion(delta); }
  Expected<std::string> Epoch() override { return CarpDemotionEpoch(); }
};

}  // namespace

std::unique_ptr<DemotionCounter> MakeKernelCarpDemotionCounter() {
  return std::make_unique<KernelCarpDemotionCounter>();
}

}  // namespace ipv6ha
