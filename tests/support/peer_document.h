#pragma once

// A peer's status for tests, written as JSON and read the way the daemon
// reads a peer's reply (ParsePeerStatus), so every test peer passes the
// same schema a real one must.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "exporter/peer/peer_status.h"

namespace ipv6ha::testing {

inline NodeStatus PeerDocument(const nlohmann::json& doc) {
  auto parsed = ParsePeerStatus(doc.dump());
  if (!parsed) {
    ADD_FAILURE() << parsed.error().message << "\n" << doc.dump();
    return NodeStatus{};
  }
  return std::move(parsed).value();
}

}  // namespace ipv6ha::testing
