// Fuzzes the pure pieces of HTTP request handling that see attacker bytes or
// config text: the Authorization header parser (base64, user:password split)
// and the listen-address parser. Input layout: first byte picks the target.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "exporter/config/listen_address.h"
#include "exporter/http/basic_auth.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      auto creds = ipv6ha::BasicAuth::ParseHeader(text);
      if (creds && creds->first.find(':') != std::string::npos)
        __builtin_trap();
      break;
    }
    case 1: {
      auto creds = ipv6ha::BasicAuth::ParseHeader("Basic " + text);
      (void)creds;
      break;
    }
    default: {
      auto address = ipv6ha::ParseListenAddress(text);
      if (address && (address->port < 0 || address->port > 65535)) {
        __builtin_trap();
      }
      break;
    }
  }
  return 0;
}
