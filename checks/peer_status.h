#pragma once

// The peer's GET /api/v1/status document, read defensively: the peer runs
// another build, may be half-upgraded or misconfigured, and anything on the
// sync link may answer instead. Pure function on a string.
//
// Required: a JSON object with "role" (string) and "ready" (bool). Optional:
// "node", "version" (strings), "checks" (array of objects with "name",
// "status", "summary", "scope" strings and "weight" number), "controller"
// (object). A present key of the wrong type is an error, not a guess.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/platform/expected.h"
#include "exporter/platform/role.h"

namespace ipv6ha {

struct PeerCheckState {
  std::string name;
  std::string status;  // ok | fail | unknown (others read as unknown)
  std::string summary;
  std::string scope;
  double weight = 0;
};

struct PeerStatus {
  std::string node;
  Role role = Role::kUnknown;
  bool ready = false;
  std::string version;
  std::vector<PeerCheckState> checks;
  nlohmann::json document;  // the whole object as received
};

Expected<PeerStatus> ParsePeerStatus(std::string_view body);

}  // namespace ipv6ha
