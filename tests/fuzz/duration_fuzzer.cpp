// Fuzzes ParseDuration and checks the round trip: whatever it accepts,
// FormatDuration renders as text that parses back to the same value.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "exporter/base/duration.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = ipv6ha::ParseDuration(text);
  if (!parsed) return 0;
  if (parsed->count() < 0) __builtin_trap();
  auto again = ipv6ha::ParseDuration(ipv6ha::FormatDuration(*parsed));
  if (!again || *again != *parsed) __builtin_trap();
  return 0;
}
