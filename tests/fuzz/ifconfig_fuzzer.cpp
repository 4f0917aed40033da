// libFuzzer target: FreeBSD `ifconfig` output, CARP lines per vhid.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "exporter/platform/ifconfig_carp_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto vhids = ipv6ha::ParseIfconfigCarp(text);
  (void)vhids.size();
  return 0;
}
