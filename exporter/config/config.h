#pragma once

// The daemon's configuration file (YAML). The top level only dispatches:
// each section is read by its owner, and each check reads its own keys.

#include <map>
#include <string>
#include <vector>

#include "checks/check_registry.h"
#include "exporter/base/expected.h"
#include "exporter/config/peer_config.h"
#include "exporter/config/role_config.h"
#include "exporter/config/service_status_trigger_config.h"
#include "exporter/config/web_config.h"
#include "exporter/demotion/demotion_config.h"
#include "exporter/yaml/config_reader.h"

namespace ipv6ha {

inline constexpr char kDefaultListen[] = "[::]:9646";
// Where the status document is kept for local readers (StatusFileWriter).
// On FreeBSD the OPNsense CARP service status script reads it there; on
// Linux nothing reads it unless configured, so it is off. Defined with the
// other per-OS defaults in config_defaults_{linux,freebsd}.cpp.
extern const char kDefaultStatusFile[];

struct Config {
  std::string file;
  std::vector<std::string> listen{kDefaultListen};
  std::string node_name;
  std::string status_file = kDefaultStatusFile;  // empty: no status file
  RoleConfig role;
  CommandPaths commands;
  PeerConfig peer;
  DemotionConfig demotion;
  WebConfig web;  // `web:` (web_config.h)
  ServiceStatusTriggerConfig service_status_trigger;
  std::vector<CheckSettings> check_settings;  // in file order
};

// A parsed config and, per check in file order, its settings and factory.
// Nothing is built yet: the daemon and `check` build the checks they
// schedule (BuildScheduledChecks); --check-config builds none.
struct LoadedConfig {
  Config config;
  std::vector<CheckSpec> checks;
};

// Reads and validates. The Error lists every problem found, one per
// line, each "file:line:column: what is wrong".
Expected<LoadedConfig> LoadConfig(const std::string& path, const CheckEnv& env);
// Same, from text (tests, fuzzing); `name` stands for the file in messages.
Expected<LoadedConfig> LoadConfigFromString(const std::string& text,
                                            const std::string& name,
                                            const CheckEnv& env);

// The command names `commands:` accepts, with their defaults on this OS
// (config_defaults.cpp, config_defaults_{linux,freebsd}.cpp).
const CommandPaths& DefaultCommandPaths();

}  // namespace ipv6ha
