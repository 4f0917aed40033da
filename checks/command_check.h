#pragma once

// `command`: runs a configured program the way a monitoring-plugins check
// runs: exit 0 -> ok, 1 or 2 -> fail, anything else (3, a signal, a timeout,
// a missing binary) -> unknown. The first line of standard output, without
// perfdata after '|', is the summary.
//
//   checks:
//     radvd_running: {type: command, argv: [/usr/bin/pgrep, -x, radvd]}

#include <string>
#include <vector>

#include "checks/check_registry.h"

namespace ipv6ha {

struct CommandCheckConfig {
  std::vector<std::string> argv;
};

class CommandCheck : public Check {
 public:
  CommandCheck(CommandCheckConfig config, CheckSettings settings);
  CheckResult Run(const RunContext& context) override;

 private:
  CommandCheckConfig config_;
  CheckSettings settings_;
};

CheckRegistration CommandCheckRegistration();

// The summary a plugin printed: first line, perfdata removed, trimmed.
std::string PluginSummary(const std::string& stdout_text);

}  // namespace ipv6ha
