#pragma once

// The IPv6 addresses configured on this host's interfaces (getifaddrs). The
// result reflects the network namespace of the calling thread.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "exporter/base/expected.h"

namespace ipv6ha {

// Interface name -> its IPv6 addresses (16 bytes each, network order), in
// the order the kernel lists them. Link-local addresses are included.
Expected<std::map<std::string, std::vector<std::array<std::uint8_t, 16>>>>
ReadInterfaceAddresses();

}  // namespace ipv6ha
