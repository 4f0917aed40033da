// libFuzzer target: the prefix state file parser must return a value or an
// Error for any input, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checks/pds/pds_state_parser.h"
#include "exporter/text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto state = ipv6ha::ParsePdsState(text);
  if (!state.ok()) {
    // The reason becomes a check summary in the status document.
    if (!ipv6ha::IsValidUtf8(state.error().message)) __builtin_trap();
    return 0;
  }
  for (const auto& pd : state->delegations) {
    (void)pd.HistoryChanges();
    if (pd.prefix.empty() && pd.status != "prefix_file_missing")
      __builtin_trap();
    if (!ipv6ha::IsValidUtf8(pd.interface)) __builtin_trap();
  }
  return 0;
}
