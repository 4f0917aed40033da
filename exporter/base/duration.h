#pragma once

// Durations in the Prometheus style: "250ms", "10s", "1m30s", "1h", "7d".

#include <chrono>
#include <string>
#include <string_view>

#include "exporter/base/expected.h"

namespace ipv6ha {

using Duration = std::chrono::milliseconds;

// Parses a non-negative duration made of one or more <number><unit> parts,
// units ms, s, m, h, d, w, largest first. "0" alone is accepted.
Expected<Duration> ParseDuration(std::string_view text);

// The shortest rendering that ParseDuration reads back ("1m30s", "250ms").
std::string FormatDuration(Duration d);

}  // namespace ipv6ha
