#pragma once

// `service_status_trigger:` of the config (docs/configuration.md): the
// command that tells OPNsense to re-read its CARP service status, and when
// the daemon runs it (exporter/service_status_trigger.h runs it).

#include <chrono>
#include <string>
#include <vector>

#include "exporter/base/duration.h"
#include "exporter/yaml/config_reader.h"

namespace ipv6ha {

struct ServiceStatusTriggerConfig {
  bool enabled = true;
  // Arguments after commands.configctl.
  std::vector<std::string> args = {"interface", "update", "carp",
                                   "service_status"};
  Duration timeout{std::chrono::seconds(10)};
  Duration retry{std::chrono::seconds(30)};
};
ServiceStatusTriggerConfig ParseServiceStatusTriggerConfig(ConfigReader& r);

// Whether the daemon runs in OPNsense's service status mode, so the trigger
// applies: demotion on, sink `none` (the script, not the exporter, demotes),
// and a status file for the script to read (the FreeBSD default).
bool InServiceStatusMode(bool demotion_enabled, const std::string& sink,
                         const std::string& status_file,
                         const ServiceStatusTriggerConfig& trigger);

}  // namespace ipv6ha
