#include "checks/prefix_freshness_check.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "checks/metric_table.h"
#include "checks/nptv6/nptv6_config_parser.h"
#include "checks/pds/pds_digest.h"
#include "exporter/platform/bounded_file.h"
#include "exporter/platform/local_time.h"
#include "exporter/text/join.h"

namespace ipv6ha {
namespace {

constexpr const char* kKnownStatuses[] = {"active", "prefix_file_missing"};

// The metrics of the check (docs/metrics.md).
enum Metric { kFileAge, kDelegations, kDelegationInfo, kHistory, kChanges };
using prometheus::MetricType;
constexpr MetricDef kMetrics[] = {
    {"ipv6_ha_prefix_state_file_age_seconds",
     "Seconds since the prefix state file was written.", MetricType::Gauge},
    {"ipv6_ha_prefix_delegations",
     "Prefix delegations in the state file, by status.",
     MetricType::Gauge,
     {"status"}},
    {"ipv6_ha_prefix_delegation_info",
     "One series per prefix delegation in the state file.",
     MetricType::Gauge,
     {"pd_id", "prefix", "interface", "status"}},
    {"ipv6_ha_prefix_history_changes",
     "Prefix changes recorded in the state file's prefix_history, all "
     "delegations.",
     MetricType::Gauge},
    {"ipv6_ha_prefix_changes_total",
     "Delegated prefix changes seen since the exporter started.",
     MetricType::Counter},
};

std::unique_ptr<Check> Create(ConfigReader& config, const CheckEnv& env,
                              const CheckSettings& settings) {
  PrefixFreshnessConfig parsed;
  parsed.pds_file = config.String("pds_file", parsed.pds_file);
  parsed.max_age = config.Dur("max_age", parsed.max_age);
  parsed.min_active =
      static_cast<int>(config.Int("min_active", parsed.min_active, 0, 1000));
  parsed.nptv6_config = config.String("nptv6_config", "");
  parsed.max_file_bytes = static_cast<std::size_t>(config.Int(
      "max_file_bytes", static_cast<std::int64_t>(parsed.max_file_bytes), 1,
      std::int64_t{1} << 30));
  if (parsed.pds_file.empty() || parsed.pds_file[0] != '/') {
    config.Fail("pds_file", config.path() +
                                ".pds_file must be an absolute path, not \"" +
                                parsed.pds_file + "\"");
    return nullptr;
  }
  if (env.watch_file) env.watch_file(parsed.pds_file, settings.name);
  return std::make_unique<PrefixFreshnessCheck>(std::move(parsed));
}

// PD ids the NPTv6 config maps a LAN onto; error text when unreadable.
std::set<std::string> ReliedOnPdIds(const PrefixFreshnessConfig& config,
                                    std::string& error) {
  std::set<std::string> ids;
  if (config.nptv6_config.empty()) return ids;
  auto file = ReadBoundedFile(config.nptv6_config, config.max_file_bytes);
  if (!file) {
    error = file.error().message;
    return ids;
  }
  auto parsed = ParseNptv6Config(file->content, config.nptv6_config);
  if (!parsed) {
    error = parsed.error().message;
    return ids;
  }
  for (const auto& m : parsed->mappings) ids.insert(m.pd_id);
  return ids;
}

}  // namespace

PrefixFreshnessCheck::PrefixFreshnessCheck(PrefixFreshnessConfig config,
                                           Clock now)
    : config_(std::move(config)), now_(std::move(now)) {
  if (!now_) now_ = [] { return std::chrono::system_clock::now(); };
}

void PrefixFreshnessCheck::TrackChanges(const PdsState& state) {
  for (const auto& pd : state.delegations) {
    if (pd.prefix.empty()) continue;
    auto [it, inserted] = last_prefix_.try_emplace(pd.id, pd.prefix);
    if (!inserted && it->second != pd.prefix) {
      spdlog::info("prefix delegation {} changed from {} to {}", pd.id,
                   it->second, pd.prefix);
      it->second = pd.prefix;
      ++changes_total_;
    }
  }
}

CheckResult PrefixFreshnessCheck::Run(const RunContext& /*context*/) {
  auto changes_metric = [this] {
    MetricSamples f(kMetrics[kChanges]);
    f.Add({}, static_cast<double>(changes_total_));
    return f.Take();
  };
  auto file = ReadBoundedFile(config_.pds_file, config_.max_file_bytes);
  if (!file) {
    CheckResult r = CheckResult::Unknown("cannot read the prefix state file: " +
                                         file.error().message);
    r.details["file"] = {{"path", config_.pds_file}};
    r.metrics.push_back(changes_metric());
    return r;
  }
  const auto now = now_();
  if (file->mtime > now + kFutureMtimeTolerance) {
    // A clock stepped back, or a file touched with a future date: its age
    // (and so its freshness) cannot be judged, which is not a failure.
    CheckResult r = CheckResult::Unknown(
        "the prefix state file " + config_.pds_file + " was modified " +
        std::to_string(static_cast<long long>(
            std::chrono::duration<double>(file->mtime - now).count())) +
        "s in the future; its age cannot be judged (was the clock set "
        "back?)");
    r.details["file"] = {{"path", config_.pds_file}};
    r.metrics.push_back(changes_metric());
    return r;
  }
  const double age =
      std::max(0.0, std::chrono::duration<double>(now - file->mtime).count());
  nlohmann::json file_details = {
      {"path", config_.pds_file},
      {"mtime", FormatLocalIso(file->mtime)},
      {"mtime_unix",
       std::chrono::duration<double>(file->mtime.time_since_epoch()).count()},
      {"sha256", Sha256Hex(file->content)},
      {"size_bytes", file->size},
      {"age_seconds", age}};
  MetricSamples age_metric(kMetrics[kFileAge]);
  age_metric.Add({}, age);

  auto state = ParsePdsState(file->content);
  if (!state) {
    CheckResult r =
        CheckResult::Unknown("prefix state file " + config_.pds_file +
                             " is not usable: " + state.error().message);
    r.details["file"] = file_details;
    r.metrics.push_back(age_metric.Take());
    r.metrics.push_back(changes_metric());
    return r;
  }
  TrackChanges(*state);

  std::vector<std::string> failures;
  const double max_age = std::chrono::duration<double>(config_.max_age).count();
  if (age > max_age) {
    failures.push_back("the prefix state file is " +
                       std::to_string(static_cast<long long>(age)) +
                       "s old, more than " + FormatDuration(config_.max_age));
  }
  std::map<std::string, int> per_status;
  for (const char* s : kKnownStatuses) per_status[s] = 0;
  int history_changes = 0;
  nlohmann::json pds = nlohmann::json::array();
  MetricSamples info(kMetrics[kDelegationInfo]);
  for (const auto& pd : state->delegations) {
    ++per_status[pd.status];
    history_changes += pd.HistoryChanges();
    if (pd.active() && !pd.parsed_prefix) {
      failures.push_back("active prefix delegation " + pd.id +
                         " has no valid IPv6 prefix (\"" +
                         pd.prefix.substr(0, 60) + "\")");
    }
    pds.push_back({{"pd_id", pd.id},
                   {"prefix", pd.prefix},
                   {"interface", pd.interface},
                   {"status", pd.status},
                   {"last_updated", pd.last_updated},
                   {"last_seen", pd.last_seen},
                   {"history_changes", pd.HistoryChanges()}});
    info.Add({pd.id, pd.prefix, pd.interface, pd.status}, 1);
  }
  const int active = per_status["active"];
  if (active < config_.min_active) {
    failures.push_back(std::to_string(active) +
                       " active prefix delegation(s), fewer than " +
                       std::to_string(config_.min_active));
  }
  std::string nptv6_error;
  const auto relied_on = ReliedOnPdIds(config_, nptv6_error);
  for (const auto& id : relied_on) {
    const PrefixDelegation* pd = state->Find(id);
    if (pd == nullptr) {
      failures.push_back("prefix delegation " + id +
                         " used by the NPTv6 config is missing");
    } else if (!pd->active()) {
      failures.push_back("prefix delegation " + id +
                         " used by the NPTv6 config is " + pd->status);
    }
  }

  CheckResult r;
  if (!failures.empty()) {
    r = CheckResult::Fail(Join(failures, "; "));
  } else {
    r = CheckResult::Ok(std::to_string(active) + " of " +
                        std::to_string(state->delegations.size()) +
                        " prefix delegation(s) active, state file " +
                        std::to_string(static_cast<long long>(age)) + "s old");
  }
  if (!nptv6_error.empty())
    r.summary += " (NPTv6 config not read: see details)";
  r.details["file"] = file_details;
  r.details["format"] =
      state->format == PdsState::Format::kFlat ? "flat" : "summary";
  r.details["counts"] = per_status;
  r.details["delegations"] = pds;
  r.details["history_changes"] = history_changes;
  r.details["changes_since_start"] = changes_total_;
  r.details["failures"] = failures;
  if (state->summary_active)
    r.details["summary_active"] = *state->summary_active;
  if (!state->last_run.empty()) r.details["last_run"] = state->last_run;
  if (!config_.nptv6_config.empty()) {
    r.details["nptv6_pd_ids"] = relied_on;
    if (!nptv6_error.empty()) r.details["nptv6_config_error"] = nptv6_error;
  }

  MetricSamples counts(kMetrics[kDelegations]), history(kMetrics[kHistory]);
  for (const auto& [status, n] : per_status) counts.Add({status}, n);
  history.Add({}, history_changes);
  r.metrics.push_back(age_metric.Take());
  r.metrics.push_back(counts.Take());
  r.metrics.push_back(info.Take());
  r.metrics.push_back(history.Take());
  r.metrics.push_back(changes_metric());
  return r;
}

CheckRegistration PrefixFreshnessCheckRegistration() {
  return {"prefix_freshness",
          Scope::kLocal,
          RoleSet{},
          std::chrono::seconds(30),
          std::chrono::seconds(5),
          &Create,
          {kMetrics}};
}

}  // namespace ipv6ha
