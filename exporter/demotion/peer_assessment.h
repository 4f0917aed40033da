#pragma once

// What the demotion controller concludes from the peer's latest
// GET /api/v1/status (checks/peer_view.h): is there somewhere better to go
// (the peer is ready to be MASTER), and can the peer vouch for a working
// upstream path. Pure function of its inputs.
//
// Fields read from the peer's status document:
//   ready                    false = not ready
//   controller.desired       > 0 = the peer is demoting itself (degraded)
//   checks                   array of {name, status, scope, weight,
//                            applicable} (or an object keyed by name); a
//                            failing weighted check without `scope` counts
//                            as local; observe-only checks (weight 0, e.g.
//                            peer_reachability) never make the peer unready.

#include <chrono>
#include <optional>
#include <set>
#include <string>

#include "checks/peer_view.h"

namespace ipv6ha {

struct PeerAssessment {
  bool ready = false;        // reachable, answering and not degraded
  bool upstream_ok = false;  // its upstream checks (or ours by name) all ok
  std::string summary;       // "peer fw2 ready", "peer fw2 unreachable: ..."
  std::string upstream_summary;
};

PeerAssessment AssessPeer(const std::optional<PeerSnapshot>& peer,
                          const std::string& peer_name,
                          std::chrono::steady_clock::time_point now,
                          std::chrono::milliseconds stale_after,
                          const std::set<std::string>& our_upstream_checks);

}  // namespace ipv6ha
