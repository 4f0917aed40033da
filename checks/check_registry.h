#pragma once

// The table of check types. Adding a check means: one file pair in checks/,
// one line in check_registry.cpp, its tests and its docs.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "checks/check.h"
#include "checks/metric_table.h"
#include "checks/peer_view.h"
#include "exporter/platform/http_client.h"
#include "exporter/platform/prober.h"
#include "exporter/yaml/config_reader.h"

namespace ipv6ha {

// Paths of external programs, from the `commands:` config section
// (e.g. "pfctl" -> "/sbin/pfctl"). Checks never hard-code a path.
using CommandPaths = std::map<std::string, std::string>;

// What the daemon lends to the checks it builds. Adapters shared by several
// checks (the prober, the file watcher) are added here as they land.
//
// Lifetime: a check may outlive the daemon's other objects when it hangs at
// shutdown, so everything here is owned by value or by shared_ptr.
struct CheckEnv {
  CommandPaths commands;
  std::string node_name;
  // The peer's latest status (written by peer_reachability). Never null in
  // the daemon; may be null in unit tests.
  std::shared_ptr<PeerView> peer_view;
  // Asks for `check_name` to run again as soon as `path` (a file) is
  // replaced, written or removed. Empty when no watcher is available
  // (`check` subcommand, unit tests): then the check runs on its interval.
  std::function<void(const std::string& path, const std::string& check_name)>
      watch_file;
  // The ICMPv6/TCP prober shared by ipv6_connectivity and peer_reachability.
  // When null (unit tests, `check`), each such check makes its own.
  std::shared_ptr<Prober> prober;
  // The top-level `peer:` section, the defaults of peer_reachability.
  std::string peer_address;
  std::string peer_api;
  std::chrono::milliseconds peer_timeout{std::chrono::seconds(1)};
  // peer.tls and peer.basic_auth, ready to use: the TLS context (for an
  // https:// peer_api) and the credentials read from the password file.
  HttpFetchOptions peer_fetch;
};

// Settings every check takes; parsed by the framework, not by the check.
struct CheckSettings {
  std::string name;  // instance name: the key under `checks:`
  std::string type;  // registry name; equals `name` unless `type:` is given
  Duration interval{std::chrono::seconds(10)};
  Duration timeout{std::chrono::seconds(5)};
  int weight = 0;  // share of the demotion; 0 = observe only
  Scope scope = Scope::kLocal;
  RoleSet roles;
};

// Builds one check from the config it was read from. Each call builds a new
// check; empty when the config had errors. Whatever it holds is copied in
// (the parsed config, the settings, shared_ptrs to the adapters), so it may
// outlive the ConfigReader and the CheckEnv.
using CheckFactory = std::function<std::unique_ptr<Check>()>;

// The factory that builds a T from copies of `args`, as a check's Create
// ends: `return FactoryOf<MyCheck>(std::move(parsed), settings);`.
template <typename T, typename... Args>
CheckFactory FactoryOf(Args... args) {
  return [... args = std::move(args)] {
    return std::unique_ptr<Check>(std::make_unique<T>(args...));
  };
}

// One configured check as the config loader returns it: the settings the
// framework read and the factory of the check. The daemon builds the checks
// it schedules from these (BuildScheduledChecks in exporter/scheduler.h).
struct CheckSpec {
  CheckSettings settings;
  CheckFactory create;
};

struct CheckRegistration {
  std::string type;
  Scope scope;
  RoleSet roles;
  Duration default_interval;
  Duration default_timeout;
  // Reads the check's own keys from `config` (the framework has already read
  // the common ones) and returns the factory of the check, bound to what it
  // read; nothing is built yet. On a config error it records the error in
  // `config` and returns an empty factory.
  CheckFactory (*create)(ConfigReader& config, const CheckEnv& env,
                         const CheckSettings& settings);
  // The tables of the metrics its results carry (checks/metric_table.h),
  // for the naming test; the result store adds `check` to each sample.
  std::vector<MetricTable> metrics;
};

// Every known check type, in a stable order.
const std::vector<CheckRegistration>& CheckTypes();
const CheckRegistration* FindCheckType(const std::string& type);

}  // namespace ipv6ha
