// Fuzzes the daemon's YAML config: yaml-cpp, the strict loader (one UTF-8
// document, no key given twice), the ConfigReader, every section parser and
// every registered check's own keys. Any input must give a config or an
// error message, never a crash, hang or sanitizer report; a config that
// loads has unique check names and valid UTF-8 text (the seeds in
// tests/fuzz/corpus/config/ include duplicate keys, several documents and
// raw bytes).

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "exporter/config/config.h"
#include "exporter/text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  if (size > 64 * 1024)
    return -1;  // the daemon reads at most 1 MiB; keep runs fast
  const std::string text(reinterpret_cast<const char*>(data), size);
  ipv6ha::CheckEnv env;
  auto loaded = ipv6ha::LoadConfigFromString(text, "fuzz.yml", env);
  if (!loaded) {
    if (loaded.error().message.empty()) __builtin_trap();
    return 0;
  }
  std::set<std::string> names;
  for (const auto& c : loaded->checks) {
    if (!names.insert(c.settings.name).second) __builtin_trap();
    if (!ipv6ha::IsValidUtf8(c.settings.name)) __builtin_trap();
  }
  if (!ipv6ha::IsValidUtf8(loaded->config.node_name)) __builtin_trap();
  if (loaded->config.listen.empty()) __builtin_trap();
  return 0;
}
