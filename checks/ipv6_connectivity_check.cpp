#include "checks/ipv6_connectivity_check.h"

#include <algorithm>
#include <cstdio>

#include "checks/backup_upstream_path.h"
#include "checks/metric_table.h"
#include "checks/probe/probe_method.h"
#include "exporter/platform/interface_addresses.h"
#include "exporter/platform/resolver.h"
#include "exporter/platform/route_lookup.h"
#include "exporter/text/join.h"

namespace ipv6ha {
namespace {

constexpr auto kResolveRetry = std::chrono::seconds(30);

// The metrics of the check (docs/metrics.md), besides the probe series.
enum Metric { kReachable, kQuorum, kTargets };
using prometheus::MetricType;
constexpr MetricDef kMetrics[] = {
    {"ipv6_ha_connectivity_reachable_targets",
     "Targets counting toward the quorum (answering, within loss and RTT "
     "limits).",
     MetricType::Gauge},
    {"ipv6_ha_connectivity_quorum",
     "Healthy targets needed for the check to pass.", MetricType::Gauge},
    {"ipv6_ha_connectivity_targets", "Configured targets.", MetricType::Gauge},
};

std::string Percent(double ratio) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", ratio * 100);
  return buf;
}

std::string Millis(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fms", seconds * 1000);
  return buf;
}

CheckFactory Create(ConfigReader& config, const CheckEnv& env,
                    const CheckSettings& settings) {
  Ipv6ConnectivityConfig c;
  c.targets = config.StringList("targets");
  if (c.targets.empty()) {
    config.FailHere(config.path() +
                    ".targets is required: addresses or names to probe");
  }
  const std::string method = config.String("method", "icmp");
  if (auto port = ParseProbeMethod(method)) {
    c.tcp_port = *port;
  } else {
    config.Fail("method", config.path() + ".method: " + port.error().message);
  }
  c.quorum = static_cast<int>(config.Int("quorum", 1, 1, 1000));
  if (!c.targets.empty() && c.quorum > static_cast<int>(c.targets.size())) {
    config.Fail("quorum", config.path() + ".quorum " +
                              std::to_string(c.quorum) + " is more than the " +
                              std::to_string(c.targets.size()) + " targets");
  }
  c.probes = static_cast<int>(config.Int("probes", 3, 1, 10));
  // The default window spans the latest 20 runs.
  c.window = static_cast<int>(config.Int("window", 20 * c.probes, 1, 10000));
  c.down_after = static_cast<int>(config.Int("down_after", 1, 1, 1000));
  if (config.Has("max_rtt")) c.max_rtt = config.Dur("max_rtt", Duration(0));
  if (config.Has("max_loss")) c.max_loss = config.Double("max_loss", 1, 0, 1);
  c.source = config.String("source", "");
  if (!c.source.empty() && !ParseIpv6Address(c.source)) {
    config.Fail("source", config.path() + ".source \"" + c.source +
                              "\" is not an IPv6 address");
  }
  c.interface = config.String("interface", "");
  const std::string policy =
      config.Enum("backup_policy", {"auto", "unknown", "check"}, "auto");
  c.backup_policy = policy == "check"     ? BackupPolicy::kCheck
                    : policy == "unknown" ? BackupPolicy::kUnknown
                                          : BackupPolicy::kAuto;
  auto prober = env.prober ? env.prober : std::make_shared<Prober>();
  return FactoryOf<Ipv6ConnectivityCheck>(std::move(c), settings, prober);
}

}  // namespace

TargetVerdict EvaluateTarget(const ProbeStats& stats,
                             const Ipv6ConnectivityConfig& config) {
  using State = TargetVerdict::State;
  if (!stats.has_result()) return {State::kError, "not probed yet"};
  if (stats.last().result == ProbeResult::kError) {
    return {State::kError, "cannot probe: " + stats.last().reason};
  }
  if (stats.consecutive_failed_runs() >= config.down_after) {
    std::string why = stats.last().reason;
    if (stats.consecutive_failures() > 1) {
      why += " (" + std::to_string(stats.consecutive_failures()) +
             " probes in a row)";
    }
    return {State::kDown, why};
  }
  if (config.max_loss && stats.LossRatio() > *config.max_loss) {
    return {State::kDown, "loss " + Percent(stats.LossRatio()) + " above " +
                              Percent(*config.max_loss)};
  }
  if (config.max_rtt) {
    const double limit = std::chrono::duration<double>(*config.max_rtt).count();
    if (auto rtt = stats.MeanRttSeconds(); rtt && *rtt > limit) {
      return {State::kDown,
              "mean RTT " + Millis(*rtt) + " above " + Millis(limit)};
    }
  }
  return {State::kHealthy, ""};
}

CheckResult EvaluateConnectivity(const std::vector<std::string>& names,
                                 const std::vector<TargetVerdict>& verdicts,
                                 const Ipv6ConnectivityConfig& config,
                                 Role role, const std::string& missing_path) {
  using State = TargetVerdict::State;
  int healthy = 0;
  int errors = 0;
  std::vector<std::string> unhealthy;
  for (std::size_t i = 0; i < verdicts.size(); ++i) {
    if (verdicts[i].state == State::kHealthy) {
      ++healthy;
      continue;
    }
    if (verdicts[i].state == State::kError) ++errors;
    unhealthy.push_back(names[i] + ": " + verdicts[i].reason);
  }
  const std::string problems = Join(unhealthy, "; ");
  const int total = static_cast<int>(verdicts.size());
  const std::string counts =
      std::to_string(healthy) + "/" + std::to_string(total) +
      " targets reachable (quorum " + std::to_string(config.quorum) + ")";
  // FAULT (keepalived) is judged as BACKUP: it does not hold the VIP.
  const bool backup = ExpectationRole(role) == Role::kBackup;
  const std::string role_name = role == Role::kFault ? "FAULT" : "BACKUP";
  CheckResult result;
  if (backup && config.backup_policy == BackupPolicy::kUnknown) {
    result = CheckResult::NotApplicable("not applicable in " + role_name +
                                        " (" + counts + ")");
  } else if (backup && config.backup_policy == BackupPolicy::kAuto &&
             !missing_path.empty()) {
    result = CheckResult::Unknown("no upstream path in " + role_name + ": " +
                                  missing_path + " (" + counts + ")");
  } else if (healthy >= config.quorum) {
    result =
        CheckResult::Ok(problems.empty() ? counts : counts + ": " + problems);
  } else if (healthy + errors >= config.quorum) {
    // The verdict hinges on targets we could not probe at all.
    result = CheckResult::Unknown(counts + ": " + problems);
  } else {
    result = CheckResult::Fail(counts + ": " + problems);
  }
  result.details["reachable_targets"] = healthy;
  result.details["quorum"] = config.quorum;
  if (backup && config.backup_policy == BackupPolicy::kAuto) {
    result.details["upstream_path"] = {{"usable", missing_path.empty()},
                                       {"missing", missing_path}};
  }
  return result;
}

Ipv6ConnectivityCheck::Ipv6ConnectivityCheck(Ipv6ConnectivityConfig config,
                                             CheckSettings settings,
                                             std::shared_ptr<Prober> prober)
    : config_(std::move(config)),
      settings_(std::move(settings)),
      prober_(std::move(prober)) {
  for (const auto& name : config_.targets) {
    Target t;
    t.name = name;
    t.series = std::make_unique<ProbeSeries>(
        name, static_cast<std::size_t>(config_.window));
    targets_.push_back(std::move(t));
  }
  // Names resolve once at start (and on reload: a new check).
  ResolvePending(std::nullopt);
}

void Ipv6ConnectivityCheck::ResolvePending(
    std::optional<std::chrono::steady_clock::time_point> now) {
  for (auto& t : targets_) {
    if (t.address) continue;
    if (!now) {
      t.tried_unclocked = true;
    } else if (t.tried_unclocked) {
      // Tried at construction: the retry interval counts from this run.
      t.tried_unclocked = false;
      t.resolved_at = *now;
      continue;
    } else if (t.resolved_at != std::chrono::steady_clock::time_point{} &&
               *now - t.resolved_at < kResolveRetry) {
      continue;
    } else {
      t.resolved_at = *now;
    }
    auto a = ResolveIpv6(t.name);
    if (a) {
      t.address = *a;
    } else {
      t.resolve_error = a.error().message;
    }
  }
}

std::string Ipv6ConnectivityCheck::MissingUpstreamPath() const {
  auto addresses = ReadInterfaceAddresses();
  if (!addresses) return addresses.error().message;
  const ProbePath how{config_.source, config_.interface};
  std::vector<std::string> missing;
  for (const auto& t : targets_) {
    if (!t.address) {
      missing.push_back(t.name + ": " + t.resolve_error);
      continue;
    }
    const RouteLookup route =
        LookUpRoute(*t.address, config_.source, config_.interface);
    missing.push_back(ipv6ha::MissingUpstreamPath(t.name, t.address->sin6_addr,
                                                  route, how, *addresses));
  }
  return MissingUpstreamPaths(missing, config_.quorum);
}

void Ipv6ConnectivityCheck::ProbeTargets(const RunContext& context) {
  ResolvePending(context.steady_now);
  // `probes` rounds over the targets in one batch: a, b, c, a, b, c, ...
  std::vector<ProbeSpec> specs;
  std::vector<std::size_t> index;
  for (int round = 0; round < config_.probes; ++round) {
    for (std::size_t i = 0; i < targets_.size(); ++i) {
      if (!targets_[i].address) continue;
      specs.push_back({*targets_[i].address, config_.tcp_port, config_.source,
                       config_.interface});
      index.push_back(i);
    }
  }
  const auto wait =
      ProbeWaitFor(context.deadline, context.steady_now, settings_.timeout);
  const auto outcomes = prober_->ProbeAll(specs, wait);
  std::vector<std::vector<ProbeOutcome>> runs(targets_.size());
  for (std::size_t k = 0; k < outcomes.size(); ++k) {
    runs[index[k]].push_back(outcomes[k]);
  }
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    if (!runs[i].empty()) targets_[i].series->RecordRun(runs[i]);
  }
}

nlohmann::json Ipv6ConnectivityCheck::TargetJson(const Target& t,
                                                 const TargetVerdict& v) {
  const auto& st = t.series->stats();
  nlohmann::json j = {{"target", t.name},
                      {"healthy", v.state == TargetVerdict::State::kHealthy},
                      {"loss_ratio", st.LossRatio()},
                      {"sent", st.sent()},
                      {"received", st.received()}};
  if (t.address) j["address"] = FormatIpv6Address(t.address->sin6_addr);
  if (!v.reason.empty()) j["reason"] = v.reason;
  if (st.last_success()) {
    j["rtt_seconds"] = std::chrono::duration<double>(st.last().rtt).count();
  }
  if (auto jit = st.JitterSeconds()) j["jitter_seconds"] = *jit;
  return j;
}

CheckResult Ipv6ConnectivityCheck::Run(const RunContext& context) {
  ProbeTargets(context);
  std::vector<std::string> names;
  std::vector<TargetVerdict> verdicts;
  std::vector<const ProbeSeries*> series;
  nlohmann::json per_target = nlohmann::json::array();
  for (const auto& t : targets_) {
    names.push_back(t.name);
    TargetVerdict v = t.address ? EvaluateTarget(t.series->stats(), config_)
                                : TargetVerdict{TargetVerdict::State::kError,
                                                t.resolve_error};
    per_target.push_back(TargetJson(t, v));
    verdicts.push_back(std::move(v));
    if (t.address) series.push_back(t.series.get());
  }
  const bool judge_path = ExpectationRole(context.role) == Role::kBackup &&
                          config_.backup_policy == BackupPolicy::kAuto;
  CheckResult result =
      EvaluateConnectivity(names, verdicts, config_, context.role,
                           judge_path ? MissingUpstreamPath() : "");
  result.details["targets"] = std::move(per_target);
  result.details["method"] = config_.tcp_port == 0
                                 ? std::string("icmp")
                                 : "tcp:" + std::to_string(config_.tcp_port);
  result.metrics = ProbeFamilies(series);
  MetricSamples reachable(kMetrics[kReachable]), quorum(kMetrics[kQuorum]),
      total(kMetrics[kTargets]);
  reachable.Add({}, result.details["reachable_targets"].get<int>());
  quorum.Add({}, config_.quorum);
  total.Add({}, static_cast<double>(targets_.size()));
  for (auto* f : {&reachable, &quorum, &total})
    result.metrics.push_back(f->Take());
  return result;
}

CheckRegistration Ipv6ConnectivityCheckRegistration() {
  return {"ipv6_connectivity",
          Scope::kUpstream,
          RoleSet{},  // BACKUP is handled by backup_policy
          std::chrono::seconds(1),
          std::chrono::milliseconds(800),
          &Create,
          {kMetrics, ProbeMetrics()}};
}

}  // namespace ipv6ha
