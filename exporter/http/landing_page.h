#pragma once

// The HTML landing page (GET /): this node and its peer side by side (role,
// readiness, contribution, checks as each reports them), the leases of
// both controllers, the last decisions of ours with time and reason, and
// the endpoints. Both sides are read from the typed status
// (exporter/peer/peer_status.h): ours as we would send it, the peer's as
// it sent it.
//
// No JavaScript and nothing fetched from elsewhere (CSS inline): it works
// from any host, also one cut off from the internet, and refreshes itself
// every kLandingPageRefreshSeconds with a meta refresh. Every text from outside
// is HTML-escaped. Pure function.

#include <optional>
#include <string>

#include "checks/peer_view.h"
#include "exporter/peer/peer_status.h"

namespace ipv6ha {

inline constexpr int kLandingPageRefreshSeconds = 5;

// `self`: this node's status as it would send it (BuildNodeStatus in
// exporter/status_document.h); `peer`: the peer check's last snapshot
// (nullopt: the check has not run yet).
std::string RenderLandingPage(const NodeStatus& self,
                              const std::optional<PeerSnapshot>& peer);

}  // namespace ipv6ha
