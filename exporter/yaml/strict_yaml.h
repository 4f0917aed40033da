#pragma once

// Loads the text of a config file (the daemon's config, a web config) as
// exactly one YAML document, refusing what yaml-cpp accepts silently:
//   - bytes that are not UTF-8 (they would reach the status document, logs
//     and metrics labels);
//   - a second document after "---" (yaml-cpp's Load reads the first and
//     drops the rest); an empty trailing document is allowed;
//   - a key given twice in one mapping, at any depth (yaml-cpp keeps the
//     first value and ignores the second).
// Each problem is recorded in `errors` with its line and column. Aliases
// are walked once, so an alias bomb costs no more than its text.

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string_view>

#include "exporter/yaml/config_reader.h"

namespace ipv6ha {

// The document (Null for an empty file), or nullopt when `errors` got an
// error.
std::optional<YAML::Node> LoadStrictYaml(std::string_view text,
                                         ConfigErrors& errors);

// The mark (0-based line and column) of byte `offset` in `text`.
YAML::Mark MarkAt(std::string_view text, std::size_t offset);

}  // namespace ipv6ha
