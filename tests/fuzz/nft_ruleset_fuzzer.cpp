// libFuzzer target: `nft -j list ruleset` JSON parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checks/nptv6/nft_ruleset_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rules = ipv6ha::ParseNftRuleset(text);
  if (rules.ok()) {
    for (const auto& r : *rules) (void)r.to.ToString();
  }
  return 0;
}
