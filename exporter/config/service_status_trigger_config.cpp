#include "exporter/config/service_status_trigger_config.h"

namespace ipv6ha {

ServiceStatusTriggerConfig ParseServiceStatusTriggerConfig(ConfigReader& r) {
  ServiceStatusTriggerConfig c;
  c.enabled = r.Bool("enabled", c.enabled);
  if (r.Has("args")) c.args = r.StringList("args");
  c.timeout = r.Dur("timeout", c.timeout);
  c.retry = r.Dur("retry", c.retry);
  if (c.timeout <= Duration(0)) r.Fail("timeout", "timeout must be positive");
  if (c.retry <= Duration(0)) r.Fail("retry", "retry must be positive");
  r.RejectUnknownKeys();
  return c;
}

bool InServiceStatusMode(bool demotion_enabled, const std::string& sink,
                         const std::string& status_file,
                         const ServiceStatusTriggerConfig& trigger) {
  return trigger.enabled && demotion_enabled && sink == "none" &&
         !status_file.empty();
}

}  // namespace ipv6ha
