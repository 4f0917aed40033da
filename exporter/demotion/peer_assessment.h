#pragma once

// What the demotion controller concludes from the peer's latest status
// (checks/peer_view.h, typed by exporter/peer/peer_status.h): is there
// somewhere better to go, and can the peer vouch for a working upstream
// path. Pure function of its inputs; it reads fields of the typed status,
// never JSON.
//
// ready     the peer was heard from within `stale_after`, is reachable, its
//           API answered, it does not say `ready: false`, its controller
//           does not demote it (controller.desired 0), and no weighted
//           (weight > 0, or unsaid) applicable local check of its own fails.
// better    ready, and better than a node with a local fault: none of its
//           weighted applicable checks fails, upstream included, and they
//           are not all unknown. A local fault fails over only to a better
//           peer (docs/demotion.md, "Never fail over to a worse peer").
// upstream  ready, and every applicable check of its own that is upstream
//           (by scope, or by the name of one of our upstream checks) is ok,
//           and there is at least one.
//
// Reasons name the peer by `configured_name` (peer.name), else the name it
// reports (node), else its address: "peer fw2 ready".

#include <chrono>
#include <optional>
#include <set>
#include <string>

#include "checks/peer_view.h"

namespace ipv6ha {

struct PeerAssessment {
  bool ready = false;
  bool better = false;
  bool upstream_ok = false;
  std::string name;            // "fw2", "192.0.2.2"
  std::string summary;         // "peer fw2 ready", "peer fw2 unreachable: ..."
  std::string better_summary;  // why it is no better, or `summary`
  std::string upstream_summary;  // "peer fw2 confirms its upstream"
};

PeerAssessment AssessPeer(const std::optional<PeerSnapshot>& peer,
                          const std::string& configured_name,
                          std::chrono::steady_clock::time_point now,
                          std::chrono::milliseconds stale_after,
                          const std::set<std::string>& our_upstream_checks);

}  // namespace ipv6ha
