#include "checks/command_check.h"

#include <algorithm>

#include "checks/metric_table.h"
#include "exporter/platform/command_runner.h"

namespace ipv6ha {
namespace {

// The metrics of the check (docs/metrics.md).
enum Metric { kExitCode };
constexpr MetricDef kMetrics[] = {
    {"ipv6_ha_command_exit_code",
     "Exit code of the program run by a command check (-1 when killed by a "
     "signal).",
     prometheus::MetricType::Gauge},
};

std::string Trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(0, s.find_first_not_of(ws));
  s.erase(s.find_last_not_of(ws) + 1);
  return s;
}

CheckFactory Create(ConfigReader& config, const CheckEnv& /*env*/,
                    const CheckSettings& settings) {
  CommandCheckConfig parsed;
  parsed.argv = config.StringList("argv");
  if (parsed.argv.empty()) {
    config.FailHere(config.path() +
                    ".argv is required: the program and its arguments");
    return nullptr;
  }
  if (parsed.argv[0].empty() || parsed.argv[0][0] != '/') {
    config.Fail("argv", config.path() +
                            ".argv[0] must be an absolute path (no shell, no "
                            "PATH lookup), not \"" +
                            parsed.argv[0] + "\"");
    return nullptr;
  }
  return FactoryOf<CommandCheck>(std::move(parsed), settings);
}

}  // namespace

std::string PluginSummary(const std::string& stdout_text) {
  std::string line = stdout_text.substr(0, stdout_text.find('\n'));
  line = line.substr(0, line.find('|'));
  line = Trim(line);
  if (line.size() > 200) line = line.substr(0, 200) + "...";
  return line;
}

CommandCheck::CommandCheck(CommandCheckConfig config, CheckSettings settings)
    : config_(std::move(config)), settings_(std::move(settings)) {}

CheckResult CommandCheck::Run(const RunContext& /*context*/) {
  CommandSpec spec;
  spec.argv = config_.argv;
  // The scheduler enforces the same deadline; whichever notices first
  // reports "timed out after <timeout>".
  spec.timeout = settings_.timeout;
  spec.max_output_bytes = 64 * 1024;
  auto out = RunCommand(spec);
  if (!out) return CheckResult::Unknown(out.error().message);

  const std::string what = DescribeCommand(config_.argv);
  std::string summary = PluginSummary(out->stdout_text);
  CheckResult result;
  if (out->signal != 0) {
    result = CheckResult::Unknown(DescribeFailure(config_.argv, *out));
  } else if (out->exit_code == 0) {
    result = CheckResult::Ok(summary.empty() ? what + " exited 0" : summary);
  } else if (out->exit_code == 1 || out->exit_code == 2) {
    result = CheckResult::Fail(
        summary.empty() ? what + " exited " + std::to_string(out->exit_code)
                        : summary);
  } else {
    result = CheckResult::Unknown(
        what + " exited " + std::to_string(out->exit_code) +
        (summary.empty() ? std::string() : ": " + summary));
  }
  result.details["command"] = config_.argv;
  result.details["exit_code"] = out->exit_code;
  result.details["signal"] = out->signal;
  MetricSamples exit_code(kMetrics[kExitCode]);
  exit_code.Add({}, out->signal != 0 ? -1 : out->exit_code);
  result.metrics.push_back(exit_code.Take());
  return result;
}

CheckRegistration CommandCheckRegistration() {
  return {"command",
          Scope::kLocal,
          RoleSet{},
          std::chrono::seconds(30),
          std::chrono::seconds(10),
          &Create,
          {kMetrics}};
}

}  // namespace ipv6ha
