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

#include <string>

#include "exporter/status_document.h"

namespace ipv6ha {

inline constexpr int kLandingPageRefreshSeconds = 5;

std::string RenderLandingPage(const StatusInputs& in);

}  // namespace ipv6ha
