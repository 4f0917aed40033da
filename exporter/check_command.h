#pragma once

// `ipv6_ha_exporter check --config FILE [--json]`: runs every configured
// check once, reads the role, shows what the controller would decide, and
// writes nothing. Exit codes and output follow monitoring-plugins
// (exporter/plugin_output.h): 0 OK, 1 WARNING (an observe-only check
// fails), 2 CRITICAL (a weighted check fails), 3 UNKNOWN (a check could not
// evaluate, the role is unknown, or the config is invalid); performance
// data after '|' on the first line. With source keepalived it reads the
// states the daemon recorded, never the FIFO itself.

#include <iosfwd>
#include <string>

#include "exporter/platform/clock.h"

namespace ipv6ha {

struct CheckCommandOptions {
  std::string config_path;
  bool json = false;
};

// `clock` dates the results and the status document.
int RunCheckCommand(const CheckCommandOptions& options, std::ostream& out,
                    std::ostream& err, const Clock& clock = SystemClock());

}  // namespace ipv6ha
