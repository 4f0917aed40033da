#pragma once

// What the probing checks (ipv6_connectivity, peer_reachability) share about
// a probe run besides the series: how `method:` is written and how long a run
// may wait for its answers. Pure functions.

#include <chrono>
#include <string>

#include "exporter/base/duration.h"
#include "exporter/base/expected.h"

namespace ipv6ha {

// How long a run waits for probes: the run's time left, minus a margin so
// the result is published before the scheduler calls the run timed out.
std::chrono::nanoseconds ProbeWaitFor(
    std::chrono::steady_clock::time_point deadline,
    std::chrono::steady_clock::time_point now, Duration timeout);

// Parses "icmp" or "tcp:PORT" into a port (0 for icmp).
Expected<int> ParseProbeMethod(const std::string& method);

}  // namespace ipv6ha
