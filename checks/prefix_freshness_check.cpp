#include "checks/prefix_freshness_check.h"

#include <spdlog/spdlog.h>

#include <set>

#include "checks/metric_table.h"
#include "checks/nptv6/nptv6_config_parser.h"
#include "checks/pds/pds_digest.h"
#include "exporter/platform/bounded_file.h"
#include "exporter/platform/local_time.h"

namespace ipv6ha {
namespace {

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

CheckFactory Create(ConfigReader& config, const CheckEnv& env,
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
  return FactoryOf<PrefixFreshnessCheck>(std::move(parsed));
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

PrefixFreshnessCheck::PrefixFreshnessCheck(PrefixFreshnessConfig config)
    : config_(std::move(config)) {}

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

FreshnessObservation PrefixFreshnessCheck::Observe() const {
  FreshnessObservation o{
      ReadBoundedFile(config_.pds_file, config_.max_file_bytes), {}, {}, {}};
  if (!o.file) return o;
  o.state = ParsePdsState(o.file->content);
  if (*o.state) o.relied_on = ReliedOnPdIds(config_, o.nptv6_error);
  return o;
}

CheckResult PrefixFreshnessCheck::Run(const RunContext& context) {
  const FreshnessObservation o = Observe();
  const FreshnessVerdict v = JudgeFreshness(o, config_, context.wall_now);
  using Stage = FreshnessVerdict::Stage;
  if (v.stage == Stage::kJudged) TrackChanges(o.state->value());
  CheckResult r{v.status, v.summary, nlohmann::json::object(), {}};
  r.details["file"] = FileDetails(o, v);
  if (v.stage == Stage::kJudged) AddStateDetails(o, v, r.details);
  if (v.stage != Stage::kNoAge) {
    MetricSamples age(kMetrics[kFileAge]);
    age.Add({}, v.age_seconds);
    r.metrics.push_back(age.Take());
  }
  if (v.stage == Stage::kJudged) AddStateSamples(o, v, r.metrics);
  MetricSamples changes(kMetrics[kChanges]);
  changes.Add({}, static_cast<double>(changes_total_));
  r.metrics.push_back(changes.Take());
  return r;
}

nlohmann::json PrefixFreshnessCheck::FileDetails(
    const FreshnessObservation& o, const FreshnessVerdict& v) const {
  if (v.stage == FreshnessVerdict::Stage::kNoAge)
    return {{"path", config_.pds_file}};
  const BoundedFile& file = *o.file;
  return {
      {"path", config_.pds_file},
      {"mtime", FormatLocalIso(file.mtime)},
      {"mtime_unix",
       std::chrono::duration<double>(file.mtime.time_since_epoch()).count()},
      {"sha256", Sha256Hex(file.content)},
      {"size_bytes", file.size},
      {"age_seconds", v.age_seconds}};
}

void PrefixFreshnessCheck::AddStateDetails(const FreshnessObservation& o,
                                           const FreshnessVerdict& v,
                                           nlohmann::json& details) const {
  const PdsState& state = o.state->value();
  nlohmann::json pds = nlohmann::json::array();
  for (const auto& pd : state.delegations) {
    pds.push_back({{"pd_id", pd.id},
                   {"prefix", pd.prefix},
                   {"interface", pd.interface},
                   {"status", pd.status},
                   {"last_updated", pd.last_updated},
                   {"last_seen", pd.last_seen},
                   {"history_changes", pd.HistoryChanges()}});
  }
  details["format"] =
      state.format == PdsState::Format::kFlat ? "flat" : "summary";
  details["counts"] = v.per_status;
  details["delegations"] = pds;
  details["history_changes"] = v.history_changes;
  details["changes_since_start"] = changes_total_;
  details["failures"] = v.failures;
  if (state.summary_active) details["summary_active"] = *state.summary_active;
  if (!state.last_run.empty()) details["last_run"] = state.last_run;
  if (!config_.nptv6_config.empty()) {
    details["nptv6_pd_ids"] = o.relied_on;
    if (!o.nptv6_error.empty()) details["nptv6_config_error"] = o.nptv6_error;
  }
}

void PrefixFreshnessCheck::AddStateSamples(
    const FreshnessObservation& o, const FreshnessVerdict& v,
    std::vector<prometheus::MetricFamily>& out) const {
  MetricSamples counts(kMetrics[kDelegations]), info(kMetrics[kDelegationInfo]),
      history(kMetrics[kHistory]);
  for (const auto& [status, n] : v.per_status) counts.Add({status}, n);
  for (const auto& pd : o.state->value().delegations)
    info.Add({pd.id, pd.prefix, pd.interface, pd.status}, 1);
  history.Add({}, v.history_changes);
  for (auto* f : {&counts, &info, &history}) out.push_back(f->Take());
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
