// libFuzzer target: the prefix state file parser must return a value or an
// Error for any input, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checks/pds_state_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto state = ipv6ha::ParsePdsState(text);
  if (state.ok()) {
    for (const auto& pd : state->delegations) (void)pd.HistoryChanges();
  }
  return 0;
}
