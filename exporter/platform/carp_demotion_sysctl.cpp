#include "exporter/platform/carp_demotion_sysctl.h"

#include <limits>

namespace ipv6ha {

Expected<int> CarpDemotionWriteValue(std::int64_t delta) {
  if (delta < std::numeric_limits<int>::min() ||
      delta > std::numeric_limits<int>::max()) {
    return Error{"cannot add " + std::to_string(delta) +
                 " to net.inet.carp.demotion: the kernel takes an int"};
  }
  return static_cast<int>(delta);
}

std::string FormatBootIdEpoch(const unsigned char* bytes, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "bootid:";
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0xf]);
  }
  return out;
}

std::string FormatBoottimeEpoch(std::int64_t boot_seconds) {
  return "boot:" + std::to_string(boot_seconds);
}

}  // namespace ipv6ha
