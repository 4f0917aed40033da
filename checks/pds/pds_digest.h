#pragma once

// The digest of a PD state file as the pair compares it: prefix_freshness
// publishes it in its details, state_sync compares the MASTER's and the
// BACKUP's. One function, so both compute the same string.

#include <string>

namespace ipv6ha {

// Hex SHA-256 of `data` (lower case); "" when OpenSSL fails.
std::string Sha256Hex(const std::string& data);

}  // namespace ipv6ha
