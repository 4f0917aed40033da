#pragma once

// JSON documents from outside the process (a peer's reply, a state file
// another program writes, a program's output) parsed under a size and a
// nesting limit that are enforced before any tree is built: a first pass
// over the text (nlohmann's SAX interface, iterative) counts the depth and
// stops at the limit, so a 200,000-deep reply is refused in a few
// microseconds instead of overflowing the stack in a later recursive copy.
// Pure function, thread safe.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

#include "exporter/base/expected.h"

namespace ipv6ha {

struct JsonLimits {
  std::size_t max_bytes = 4 * 1024 * 1024;
  // Objects and arrays nested inside each other; the documents we read nest
  // under 12 levels.
  std::size_t max_depth = 64;
};

// The document, or an Error whose message is valid UTF-8 and says what is
// wrong: "is 5000000 bytes, more than the 4194304 allowed", "nests deeper
// than 64 levels (at byte 65)", or "not valid JSON: ... at line 3, column 5".
// The text must be UTF-8 (invalid bytes inside strings are a syntax error).
Expected<nlohmann::json> ParseBoundedJson(std::string_view text,
                                          const JsonLimits& limits = {});

}  // namespace ipv6ha
