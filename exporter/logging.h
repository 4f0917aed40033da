#pragma once

// The one logger setup: spdlog's default logger to stderr or syslog, as text
// or one JSON object per line.

#include <string>

#include "exporter/base/expected.h"

namespace ipv6ha {

struct LogOptions {
  std::string level = "info";     // debug | info | warn | error
  std::string format = "text";    // text | json
  std::string target = "stderr";  // stderr | syslog
};

Status SetupLogging(const LogOptions& options);

}  // namespace ipv6ha
