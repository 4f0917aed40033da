#pragma once

// The one interface every health check implements, and what it returns.
//
// A check probes one aspect of this node's IPv6 service and says how sure it
// is: kOk and kFail are evidence, kUnknown means "could not evaluate" (file
// unreadable, command timed out) and never counts as a failure. Rise/fall,
// weights and gating live in the demotion controller, not in checks.

#include <prometheus/metric_family.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/base/check_status.h"
#include "exporter/base/role.h"

namespace ipv6ha {

struct CheckResult {
  CheckStatus status = CheckStatus::kUnknown;
  std::string summary;  // one line, for humans and `check` output
  nlohmann::json details = nlohmann::json::object();  // structured, for the API
  // The check's own samples, served as they are at scrape time. Names follow
  // ipv6_ha_<check>_<thing>_<unit>; the scheduler adds the per-check status,
  // duration and run metrics itself.
  std::vector<prometheus::MetricFamily> metrics;

  static CheckResult Ok(std::string summary) {
    return {CheckStatus::kOk, std::move(summary), nlohmann::json::object(), {}};
  }
  static CheckResult Fail(std::string summary) {
    return {
        CheckStatus::kFail, std::move(summary), nlohmann::json::object(), {}};
  }
  static CheckResult Unknown(std::string reason) {
    return {
        CheckStatus::kUnknown, std::move(reason), nlohmann::json::object(), {}};
  }
  // The check decided at run time that it does not apply (an upstream check
  // on a BACKUP without an upstream path): status unknown, so it is never
  // evidence, and details "applicable": false, so the result store, the
  // status document and `check` count it as not applicable, not unknown.
  static CheckResult NotApplicable(std::string reason) {
    CheckResult r = Unknown(std::move(reason));
    r.details["applicable"] = false;
    return r;
  }
  bool Applies() const {
    auto it = details.find("applicable");
    return it == details.end() || !it->is_boolean() || it->get<bool>();
  }
};

// What a run may know about the world outside the check.
struct RunContext {
  Role role = Role::kUnknown;
  // The scheduler reports kUnknown ("timed out") after this; a check that
  // spawns commands or waits on sockets should not wait past it.
  std::chrono::steady_clock::time_point deadline;
  // CARP vhids disagree (some MASTER, some BACKUP or INIT). `role` is then
  // kBackup (OPNsense's rule: MASTER only when every vhid is MASTER); a check
  // whose expectation depends on the role may say it cannot tell.
  bool role_mixed = false;
  // When the run started, taken once by the scheduler from its Clock (the
  // result store's; `deadline` is on the same steady time). Checks judge
  // against these and never read a clock themselves, so tests fix the time.
  std::chrono::system_clock::time_point wall_now;
  std::chrono::steady_clock::time_point steady_now;
};

// Which roles a check applies in; a check that does not apply in the current
// role is not run and does not count toward demotion. FAULT follows BACKUP
// (ExpectationRole).
struct RoleSet {
  bool master = true;
  bool backup = true;
  bool init = true;
  bool unknown = true;
  bool Contains(Role r) const {
    switch (ExpectationRole(r)) {
      case Role::kMaster:
        return master;
      case Role::kBackup:
        return backup;
      case Role::kInit:
        return init;
      case Role::kFault:  // ExpectationRole maps it to kBackup
      case Role::kUnknown:
        break;
    }
    return unknown;
  }
};

// Thread safety: the scheduler never calls Run() of one check concurrently
// with itself, but different checks run on different threads at once.
class Check {
 public:
  Check() = default;
  Check(const Check&) = delete;
  Check& operator=(const Check&) = delete;
  virtual ~Check() = default;

  virtual CheckResult Run(const RunContext& context) = 0;
};

}  // namespace ipv6ha
