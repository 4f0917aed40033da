#include "exporter/check_command.h"

#include <cmath>
#include <condition_variable>
#include <iostream>
#include <mutex>

#include "exporter/base/duration.h"
#include "exporter/config/config.h"
#include "exporter/demotion/demotion_service.h"
#include "exporter/exporter_metrics.h"
#include "exporter/plugin_output.h"
#include "exporter/role_monitor.h"
#include "exporter/scheduler.h"
#include "exporter/status_document.h"
#include "exporter/store/result_store.h"

namespace ipv6ha {
namespace {

constexpr int kExitUnknown = static_cast<int>(PluginState::kUnknown);

// Runs every check once on the scheduler (so timeouts behave exactly as in
// the daemon) and returns when each has a result.
std::vector<CheckRecord> RunOnce(LoadedConfig& loaded, Role role, bool mixed,
                                 const Clock& clock) {
  auto store =
      std::make_shared<ResultStore>(loaded.config.check_settings, clock);
  std::mutex mutex;
  std::condition_variable done;
  store->AddListener([&](const CheckRecord&) {
    std::lock_guard lock(mutex);
    done.notify_all();
  });
  Duration longest{0};
  for (const auto& s : loaded.config.check_settings) {
    longest = std::max(longest, s.timeout);
  }
  Scheduler scheduler(
      BuildScheduledChecks(loaded.checks), store, [role] { return role; },
      [mixed] { return mixed; });
  scheduler.Start();
  {
    std::unique_lock lock(mutex);
    done.wait_for(lock, longest + std::chrono::seconds(1), [&] {
      for (const auto& r : store->Snapshot()) {
        if (r.applicable && r.runs == 0) return false;
      }
      return true;
    });
  }
  scheduler.Stop(std::chrono::milliseconds(200));
  return store->Snapshot();
}

// What the controller would decide if these results persisted: fall and
// rise count as reached, nothing is written (dry run, sink none).
StatusController WouldDecide(const Config& config,
                             const std::vector<CheckRecord>& records, Role role,
                             const std::optional<PeerSnapshot>& peer,
                             const Clock& clock) {
  DemotionConfig c = config.demotion;
  c.dry_run = true;
  c.fall = c.rise = 1;
  c.hold_down = Duration(0);
  DemotionInputs inputs;
  inputs.role = [role] { return RoleSample{role, 0}; };
  inputs.peer = [peer] { return peer; };
  inputs.clock = &clock;
  DemotionService service(c, ControllerParams::From(c, config.peer.name),
                          MakeDemotionSink(DemotionConfig{}), nullptr,
                          config.check_settings, std::move(inputs));
  for (const auto& r : records) service.OnResult(r);
  service.Start();  // sink none, no state file: evaluates the results once
  StatusController j = service.Report();
  j.dry_run = config.demotion.dry_run;
  j.sink = config.demotion.sink;
  j.extra["note"] =
      "one run per check: fall and rise counted as reached; nothing written";
  return j;
}

// One line per share the controller would count or hold, with its lease.
void PrintLeases(const StatusController& controller, std::ostream& out) {
  for (const auto& c : controller.checks) {
    if (!c.leased) continue;
    out << "  lease " << c.name << ": weight " << c.weight << ", evidence "
        << c.evidence << ", "
        << FormatDuration(std::chrono::seconds(
               static_cast<long>(c.lease_remaining_seconds)))
        << " left (unknown_hold " << controller.unknown_hold << ")"
        << (c.held ? ", held" : "")
        << (c.contributing ? ", contributing" : ", not counted") << "\n";
  }
}

// The plugin's text: the summary line with the performance data, one line
// per check, the leases.
void PrintPluginText(const PluginVerdict& verdict, const StatusInputs& in,
                     const RoleReading& reading, int max, std::ostream& out) {
  const int contribution = static_cast<int>(in.controller->desired);
  std::string line =
      "IPV6_HA " + std::string(PluginStateName(verdict.state)) + " - " +
      std::to_string(verdict.ok) + " ok, " + std::to_string(verdict.failing) +
      " failing, " + std::to_string(verdict.observed) +
      " failing observe-only, " + std::to_string(verdict.unknown) +
      " unknown, " + std::to_string(verdict.not_applicable) +
      " not applicable; node " + in.node + " role " +
      std::string(RoleName(in.role)) +
      (reading.error.empty() ? "" : " (" + reading.error + ")") +
      "; demotion: " + in.controller->reason;
  out << PluginText(line) << " | "
      << FormatPerfData(PluginPerfData(in.checks, contribution, max)) << "\n";
  for (const auto& r : in.checks) {
    const bool applies = r.applicable && (!r.result || r.result->Applies());
    out << "  "
        << PluginText(r.settings.name + ": " +
                      std::string(StatusName(r.status())) +
                      (applies ? "" : " (not applicable)") +
                      (r.settings.weight > 0 ? "" : " (observe only)") + " - " +
                      (r.result ? r.result->summary : "no result"))
        << "\n";
  }
  PrintLeases(*in.controller, out);
}

}  // namespace

int RunCheckCommand(const CheckCommandOptions& options, std::ostream& out,
                    std::ostream& err, const Clock& clock) {
  CheckEnv env;
  env.peer_view = std::make_shared<PeerView>();
  auto loaded = LoadConfig(options.config_path, env);
  if (!loaded) {
    err << loaded.error().message << "\n";
    if (options.json) {
      out << DumpStatusDocument({{"error", loaded.error().message}});
    }
    return kExitUnknown;
  }
  const Config config = loaded->config;
  const RoleReading reading =
      MakeRoleSource(config.role, config.commands)->Read();
  const Role role = reading.role;
  std::vector<CheckRecord> records =
      RunOnce(*loaded, role, reading.mixed, clock);

  const PluginVerdict verdict = JudgePlugin(records, role);
  const int code = static_cast<int>(verdict.state);
  StatusInputs in;
  in.node = config.node_name;
  in.version = VersionString();
  in.role = role;
  in.checks = records;
  in.ready = true;
  in.now = clock.WallNow();
  in.role_detail = {{"detail", reading.detail},
                    {"error", reading.error},
                    {"mixed", reading.mixed}};
  in.controller =
      WouldDecide(config, records, role, env.peer_view->Latest(), clock);
  if (!options.json) {
    PrintPluginText(verdict, in, reading, config.demotion.max, out);
    return code;
  }
  nlohmann::json doc = BuildStatusDocument(in);
  doc["exit_code"] = code;
  doc["plugin_state"] = std::string(PluginStateName(verdict.state));
  out << DumpStatusDocument(doc);
  return code;
}

}  // namespace ipv6ha
