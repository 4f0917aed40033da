#pragma once

// `services`: the processes that must and must not run in this node's role.
// In the opnsense-ha "singleton" setup the MASTER runs the IPv6 services
// (dhcp6c for the delegated prefix, radvd for the LANs) and the BACKUP,
// whose WAN is down, stops them; a BACKUP still sending router
// advertisements, or a MASTER without dhcp6c, breaks IPv6 for the LANs.
//
// Each service is found by its pidfile (pid alive and its command name
// matches) and else by the process table (platform/process_table.h). A
// service in the wrong state for the role fails the check; a process table
// that cannot be read gives unknown. Applies on MASTER and BACKUP only.
//
//   checks:
//     services:
//       services:                     # a list of names takes the defaults
//         radvd: {master: running, backup: stopped, pidfile:
//         /var/run/radvd.pid} dhcp6c: {backup: any}       # unset keys take the
//         defaults
//
// Defaults per name (SERVICES="rtsold dhcp6c radvd" of ha-singleton.conf):
//   dhcp6c, radvd:    MASTER running, BACKUP stopped
//   anything else:    MASTER any,     BACKUP stopped   (rtsold included: a
//                     MASTER with a static WAN does not need it)

#include <sys/types.h>

#include <string>
#include <vector>

#include "checks/check_registry.h"
#include "exporter/base/name_table.h"
#include "exporter/platform/process_table.h"

namespace ipv6ha {

enum class ServiceExpectation { kRunning, kStopped, kAny };

inline constexpr auto kExpectationNames = MakeNameTable<ServiceExpectation>(
    {{ServiceExpectation::kRunning, "running"},
     {ServiceExpectation::kStopped, "stopped"},
     {ServiceExpectation::kAny, "any"}});

constexpr std::string_view ExpectationName(ServiceExpectation e) {
  return kExpectationNames.Name(e);
}

struct ServiceRule {
  std::string name;     // as shown in results and metrics
  std::string process;  // kernel command name to look for; defaults to name
  std::string pidfile;  // optional
  ServiceExpectation master = ServiceExpectation::kAny;
  ServiceExpectation backup = ServiceExpectation::kStopped;

  ServiceExpectation For(Role role) const;
};

// The rule the role table gives `name` when the config says nothing else.
ServiceRule DefaultServiceRule(const std::string& name);
// The services ha-singleton.conf's default SERVICES names.
const std::vector<std::string>& DefaultServiceNames();

struct ServicesCheckConfig {
  std::vector<ServiceRule> services;
  std::string proc_root = "/proc";  // Linux only; for tests
};

// What was found for one service.
struct ServiceObservation {
  bool running = false;
  pid_t pid = 0;
  std::string source;  // "pidfile" | "process_table" | "" when not running
};

class ServicesCheck : public Check {
 public:
  ServicesCheck(ServicesCheckConfig config, CheckSettings settings);
  CheckResult Run(const RunContext& context) override;

  // Pure evaluation, for tests: the result for `observed` (one per rule, in
  // order) in `role`.
  CheckResult Evaluate(Role role,
                       const std::vector<ServiceObservation>& observed) const;

 private:
  ServiceObservation Observe(const ServiceRule& rule,
                             const std::vector<ProcessInfo>& table) const;

  ServicesCheckConfig config_;
  CheckSettings settings_;
  ProcessTable processes_;
};

CheckRegistration ServicesCheckRegistration();

}  // namespace ipv6ha
