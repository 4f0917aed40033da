#pragma once

// Listen addresses as the config and --web.listen-address give them:
// "[::]:9646", "127.0.0.1:9646", ":9646" (every address, both families).
// The config loader checks them with the same function the HTTP server
// uses to bind, so --check-config refuses exactly what start-up would.

#include <string>

#include "exporter/base/expected.h"

namespace ipv6ha {

struct ListenAddress {
  std::string ip;  // "" for the dual-stack wildcard; else an IP literal
  int port = 0;    // 0..65535 (0: any free port)
};

// An Error names the address and the form it must have (an IP literal in
// brackets for IPv6, and a port 0..65535).
Expected<ListenAddress> ParseListenAddress(const std::string& listen);

}  // namespace ipv6ha
