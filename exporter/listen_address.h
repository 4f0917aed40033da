#pragma once

// Listen addresses as the config and --web.listen-address give them:
// "[::]:9646", "127.0.0.1:9646", ":9646" (every address, both families).
// The config loader checks them with the same function the HTTP server
// uses to bind, so --check-config refuses exactly what start-up would.

#include <string>

#include "exporter/base/expected.h"

namespace ipv6ha {

// Converts a listen address to civetweb's listening_ports form, with the
// "s" suffix for TLS. An Error names the address and the form it must have
// (an IP literal and a port 0..65535), or says that this civetweb cannot
// listen on IPv6.
Expected<std::string> CivetListeningPort(const std::string& listen, bool tls);

}  // namespace ipv6ha
