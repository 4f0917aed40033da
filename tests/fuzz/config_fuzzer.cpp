// Fuzzes the daemon's YAML config: yaml-cpp, the strict ConfigReader, every
// section parser and every registered check's own keys. Any input must give
// a config or an error message, never a crash, hang or sanitizer report.

#include <cstddef>
#include <cstdint>
#include <string>

#include "exporter/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return -1;  // the daemon reads at most 1 MiB; keep runs fast
  const std::string text(reinterpret_cast<const char*>(data), size);
  ipv6ha::CheckEnv env;
  auto loaded = ipv6ha::LoadConfigFromString(text, "fuzz.yml", env);
  if (!loaded && loaded.error().message.empty()) __builtin_trap();
  return 0;
}
