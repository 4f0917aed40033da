// libFuzzer target: the peer's GET /api/v1/status reply, handled as the
// daemon handles it: parsed, copied into the peer view and the check's
// last good document, and dumped into our own status document. A reply
// nested 200,000 deep once overflowed the stack in that copy.
//
// Input layout: "DEEP" and a 3-byte depth wrap the rest of the input that
// many arrays deep inside a valid document, so that deep nesting is reached
// from small inputs; anything else is the reply body as it is.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "checks/peer_view.h"
#include "exporter/peer/peer_status.h"
#include "exporter/text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string body(in);
  if (in.size() >= 7 && in.substr(0, 4) == "DEEP") {
    const std::size_t depth =
        (static_cast<std::size_t>(data[4]) << 16 | data[5] << 8 | data[6]) %
        300000;
    body = R"({"role":"master","ready":true,"x":)" + std::string(depth, '[') +
           std::string(in.substr(7)) + std::string(depth, ']') + "}";
  }
  auto status = ipv6ha::ParsePeerStatus(body);
  if (!status.ok()) {
    if (!ipv6ha::IsValidUtf8(status.error().message)) __builtin_trap();
    return 0;
  }
  ipv6ha::PeerSnapshot snapshot;
  snapshot.api_ok = true;
  snapshot.status = *status;  // the daemon copies it twice
  ipv6ha::NodeStatus copy = *status;
  // Written back as our own document would carry it.
  const std::string dumped =
      ipv6ha::DumpStatusDocument(ipv6ha::WriteStatusDocument(copy));
  if (!ipv6ha::IsValidUtf8(dumped)) __builtin_trap();
  return 0;
}
