// libFuzzer target: the peer's GET /api/v1/status reply.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checks/peer_status.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto status = ipv6ha::ParsePeerStatus(body);
  (void)status.ok();
  return 0;
}
