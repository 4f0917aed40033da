// libFuzzer target: `pfctl -s nat` output parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checks/nptv6/pf_nat_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rules = ipv6ha::ParsePfNat(text);
  if (rules.ok()) {
    for (const auto& r : *rules) (void)r.to.ToString();
  }
  return 0;
}
