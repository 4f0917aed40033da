#pragma once

// The peer's GET /api/v1/status document, read defensively: the peer runs
// another build, may be half-upgraded or misconfigured, and anything on the
// sync link may answer instead. Pure function on a string.
//
// The document is checked as a schema before anything reads it (the
// demotion controller and state_sync read `document` directly):
//   - at most 64 MiB and 32 levels of nesting, enforced before a tree is
//     built (exporter/text/bounded_json.h);
//   - required: a JSON object with "role" (one of master, backup, init,
//     unknown: exactly as we write them, so "MASTER" is refused) and
//     "ready" (bool);
//   - optional, typed when present: "node", "version", "time" (strings),
//     "role_detail", "controller", "peer" (objects), "checks" (array of
//     objects with a "name" string, "status" ok|fail|unknown, "scope"
//     local|upstream, "summary", "type" strings, "weight", "runs",
//     "interval_seconds" numbers that are not negative, "applicable",
//     "timed_out" booleans, "details" object); "controller" with "desired",
//     "applied", "max" numbers that are not negative, "enabled", "dry_run"
//     booleans, "reason" string.
// Members not listed are ignored. A document that breaks a rule is an
// Error "peer sent an invalid status document: checks[1].weight must not be
// negative (-5)", never a guess.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/platform/expected.h"
#include "exporter/platform/role.h"

namespace ipv6ha {

struct PeerCheckState {
  std::string name;
  std::string status;  // ok | fail | unknown ("unknown" when absent)
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
