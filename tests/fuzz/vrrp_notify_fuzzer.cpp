// libFuzzer target: what keepalived writes to its notify FIFO, and the
// record the exporter keeps of it. The input is read as FIFO lines (each
// parsed and applied to a table whose role is then derived) and as a whole
// record.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "exporter/platform/vrrp_instance_table.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ipv6ha::VrrpInstanceTable table({});
  ipv6ha::VrrpInstanceTable followed({"LAN6", "VI_1"});
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    if (auto line = ipv6ha::ParseNotifyLine(rest.substr(0, nl))) {
      table.Apply(*line);
      followed.Apply(*line);
      // What is parsed formats back to a line that parses the same.
      if (line->kind == ipv6ha::NotifyKind::kState && !line->group) {
        auto again = ipv6ha::ParseNotifyLine(ipv6ha::FormatNotifyLine(
            {line->name, line->state, line->priority, false}));
        if (!again || again->name != line->name) __builtin_trap();
      }
    }
    rest = nl == std::string_view::npos ? "" : rest.substr(nl + 1);
  }
  (void)table.Derive("").detail.size();
  (void)followed.Derive("").error.size();
  if (auto record = ipv6ha::ParseVrrpRecord(text)) {
    table.Restore(record->instances);
    (void)ipv6ha::FormatVrrpRecord(*record).size();
  }
  return 0;
}
