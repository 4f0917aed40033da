#pragma once

// `ipv6_ha_exporter check --config FILE [--json]`: runs every configured
// check once, reads the role, shows what the controller would decide, and
// writes nothing. Exit codes follow monitoring-plugins: 0 all ok, 2 any
// fail, 3 any unknown and none fail (1 is not used; config errors exit 3).

#include <iosfwd>
#include <string>

namespace ipv6ha {

struct CheckCommandOptions {
  std::string config_path;
  bool json = false;
};

int RunCheckCommand(const CheckCommandOptions& options, std::ostream& out,
                    std::ostream& err);

}  // namespace ipv6ha
