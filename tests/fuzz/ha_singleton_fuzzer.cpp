// libFuzzer target: ha-singleton.conf, shell variables read without a shell.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "exporter/import/ha_singleton_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto vars = ipv6ha::ParseHaSingleton(text, "fuzz.conf");
  if (vars.ok()) (void)vars->Get("ALT_DEFROUTE_IPV6");
  return 0;
}
