#include "checks/services_check.h"

#include <cctype>
#include <cstdlib>

#include "checks/metric_table.h"
#include "exporter/platform/bounded_file.h"
#include "exporter/text/join.h"

namespace ipv6ha {
namespace {

constexpr auto kAllExpectations = kExpectationNames.Values();

// The metrics of the check (docs/metrics.md).
enum Metric { kRunning, kExpectedState };
constexpr MetricDef kMetrics[] = {
    {"ipv6_ha_services_running",
     "1 when a process of the service runs on this node.",
     prometheus::MetricType::Gauge,
     {"service"}},
    {"ipv6_ha_services_expected_state",
     "What the role expects of the service: one series per state (running, "
     "stopped, any), 1 for the current expectation.",
     prometheus::MetricType::Gauge,
     {"service", "state"}},
};

void ReadExpectation(ConfigReader& r, const std::string& key,
                     ServiceExpectation& out) {
  auto text = r.String(key);
  if (!text) return;
  if (auto e = kExpectationNames.Parse(*text)) {
    out = *e;
  } else {
    r.Fail(key, r.path() + "." + key +
                    " must be running, stopped or any, not \"" + *text + "\"");
  }
}

CheckFactory Create(ConfigReader& config, const CheckEnv& /*env*/,
                    const CheckSettings& settings) {
  ServicesCheckConfig parsed;
  parsed.proc_root = config.String("proc_root", parsed.proc_root);
  YAML::Node list = config.Raw("services");
  if (!list.IsDefined()) {
    for (const auto& name : DefaultServiceNames()) {
      parsed.services.push_back(DefaultServiceRule(name));
    }
  } else if (list.IsSequence() || list.IsScalar()) {
    for (const auto& name : config.StringList("services")) {
      parsed.services.push_back(DefaultServiceRule(name));
    }
  } else if (auto services = config.Map("services")) {
    for (const auto& name : services->Keys()) {
      ServiceRule rule = DefaultServiceRule(name);
      if (auto entry = services->Map(name)) {
        rule.process = entry->String("process", rule.process);
        rule.pidfile = entry->String("pidfile", rule.pidfile);
        ReadExpectation(*entry, "master", rule.master);
        ReadExpectation(*entry, "backup", rule.backup);
        entry->RejectUnknownKeys();
      } else {
        services->Raw(name);  // `radvd:` alone takes the defaults
      }
      parsed.services.push_back(std::move(rule));
    }
  }
  if (parsed.services.empty()) {
    config.FailHere(config.path() + ".services names no service to check");
    return nullptr;
  }
  return FactoryOf<ServicesCheck>(std::move(parsed), settings);
}

}  // namespace

ServiceExpectation ServiceRule::For(Role role) const {
  switch (ExpectationRole(role)) {
    case Role::kMaster:
      return master;
    case Role::kBackup:
      return backup;
    default:
      return ServiceExpectation::kAny;
  }
}

ServiceRule DefaultServiceRule(const std::string& name) {
  ServiceRule rule;
  rule.name = name;
  rule.process = name;
  const bool master_service = name == "dhcp6c" || name == "radvd";
  rule.master =
      master_service ? ServiceExpectation::kRunning : ServiceExpectation::kAny;
  rule.backup = ServiceExpectation::kStopped;
  if (name == "dhcp6c" || name == "radvd" || name == "rtsold") {
    rule.pidfile = "/var/run/" + name + ".pid";
  }
  return rule;
}

const std::vector<std::string>& DefaultServiceNames() {
  static const std::vector<std::string> kNames = {"rtsold", "dhcp6c", "radvd"};
  return kNames;
}

ServicesCheck::ServicesCheck(ServicesCheckConfig config, CheckSettings settings)
    : config_(std::move(config)),
      settings_(std::move(settings)),
      processes_(config_.proc_root) {}

ServiceObservation ServicesCheck::Observe(
    const ServiceRule& rule, const std::vector<ProcessInfo>& table) const {
  // A pidfile is trusted only when its process lives and has the right name:
  // pids are reused, and daemons leave stale pidfiles after a crash.
  if (!rule.pidfile.empty()) {
    const pid_t pid = ProcessTable::ReadPidfile(rule.pidfile);
    if (ProcessTable::Alive(pid)) {
      auto name = processes_.NameOf(pid);
      if (name && ProcessTable::NameMatches(*name, rule.process)) {
        return {true, pid, "pidfile"};
      }
    }
  }
  for (const auto& p : table) {
    if (ProcessTable::NameMatches(p.name, rule.process)) {
      return {true, p.pid, "process_table"};
    }
  }
  return {};
}

CheckResult ServicesCheck::Run(const RunContext& context) {
  const Role expected = ExpectationRole(context.role);
  if (expected != Role::kMaster && expected != Role::kBackup) {
    return CheckResult::Unknown(
        "role is " + std::string(RoleName(context.role)) +
        "; services are only checked on MASTER, BACKUP or FAULT");
  }
  auto table = processes_.List();
  if (!table) return CheckResult::Unknown(table.error().message);
  std::vector<ServiceObservation> observed;
  observed.reserve(config_.services.size());
  for (const auto& rule : config_.services)
    observed.push_back(Observe(rule, *table));
  return Evaluate(context.role, observed);
}

CheckResult ServicesCheck::Evaluate(
    Role role, const std::vector<ServiceObservation>& observed) const {
  MetricSamples running(kMetrics[kRunning]), expected(kMetrics[kExpectedState]);
  std::string role_name(RoleName(role));
  for (auto& c : role_name) c = static_cast<char>(std::toupper(c));

  std::vector<std::string> wrong;
  nlohmann::json services = nlohmann::json::array();
  for (std::size_t i = 0; i < config_.services.size() && i < observed.size();
       ++i) {
    const ServiceRule& rule = config_.services[i];
    const ServiceObservation& seen = observed[i];
    const ServiceExpectation want = rule.For(role);
    if (want == ServiceExpectation::kRunning && !seen.running) {
      wrong.push_back(rule.name + " is not running on " + role_name);
    } else if (want == ServiceExpectation::kStopped && seen.running) {
      wrong.push_back(rule.name + " runs on " + role_name + " (pid " +
                      std::to_string(seen.pid) + ")");
    }
    nlohmann::json entry = {{"name", rule.name},
                            {"process", rule.process},
                            {"expected", ExpectationName(want)},
                            {"running", seen.running}};
    if (seen.running) {
      entry["pid"] = seen.pid;
      entry["found_by"] = seen.source;
    }
    if (!rule.pidfile.empty()) entry["pidfile"] = rule.pidfile;
    services.push_back(std::move(entry));
    running.Add({rule.name}, seen.running ? 1 : 0);
    for (auto e : kAllExpectations)
      expected.Add({rule.name, ExpectationName(e)}, e == want ? 1 : 0);
  }

  CheckResult result;
  if (wrong.empty()) {
    result =
        CheckResult::Ok(std::to_string(config_.services.size()) +
                        " services in the expected state for " + role_name);
  } else {
    result = CheckResult::Fail(Join(wrong, "; "));
  }
  result.details["role"] = RoleName(role);
  result.details["services"] = std::move(services);
  result.metrics.push_back(running.Take());
  result.metrics.push_back(expected.Take());
  return result;
}

CheckRegistration ServicesCheckRegistration() {
  RoleSet roles;
  roles.init = false;
  roles.unknown = false;
  return {"services",
          Scope::kLocal,
          roles,
          std::chrono::seconds(10),
          std::chrono::seconds(5),
          &Create,
          {kMetrics}};
}

}  // namespace ipv6ha
