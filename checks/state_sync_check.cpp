#include "checks/state_sync_check.h"

#include <algorithm>

#include "checks/metric_table.h"
#include "checks/pds/pds_digest.h"
#include "exporter/base/duration.h"
#include "exporter/platform/bounded_file.h"
#include "exporter/platform/file_presence.h"
#include "exporter/text/bounded_json.h"

namespace ipv6ha {
namespace {

using SystemClock = std::chrono::system_clock;

// The metrics of the check (docs/metrics.md).
enum Metric { kInSync, kLag };
constexpr MetricDef kMetrics[] = {
    {"ipv6_ha_state_sync_in_sync",
     "1 when the local prefix state file has the same content as the "
     "MASTER's.",
     prometheus::MetricType::Gauge},
    {"ipv6_ha_state_sync_lag_seconds",
     "Seconds the local prefix state has differed from the MASTER's, counted "
     "from the MASTER's last write; 0 when in sync.",
     prometheus::MetricType::Gauge},
};

// Reads the local pds file; Error only when it exists but cannot be read.
Expected<LocalStateFile> ReadLocal(const std::string& path,
                                   std::size_t max_bytes) {
  LocalStateFile local;
  if (PathIsAbsent(path)) return local;  // no copy at all
  auto file = ReadBoundedFile(path, max_bytes);
  if (!file) return file.error();
  local.exists = true;
  local.sha256 = Sha256Hex(file->content);  // as prefix_freshness publishes it
  local.mtime = file->mtime;
  // Content problems are prefix_freshness's to report; the hash still
  // compares.
  if (auto json = ParseBoundedJson(file->content, {file->content.size(), 16});
      json && json->is_object()) {
    auto summary = json->find("summary");
    if (summary != json->end() && summary->is_object()) {
      auto last_run = summary->find("last_run");
      if (last_run != summary->end() && last_run->is_string()) {
        local.last_run = last_run->get<std::string>();
      }
    }
  }
  return local;
}

double UnixSeconds(SystemClock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// Why the peer's view cannot be compared against, or "" when it can (then
// its status names the peer check and that check's file hash).
std::string PeerUnusable(const std::optional<PeerSnapshot>& snapshot,
                         const StateSyncConfig& config,
                         std::chrono::steady_clock::time_point steady_now) {
  if (!snapshot) return "no status from the peer yet";
  if (!snapshot->api_ok) {
    return "the peer's status is not available" +
           (snapshot->error.empty() ? "" : ": " + snapshot->error);
  }
  const double view_age =
      std::chrono::duration<double>(steady_now - snapshot->fetched_at).count();
  if (view_age > std::chrono::duration<double>(config.peer_max_age).count()) {
    return "the peer's status is " +
           std::to_string(static_cast<long>(view_age)) +
           "s old (peer_max_age " + FormatDuration(config.peer_max_age) + ")";
  }
  if (!snapshot->status) return "no status from the peer yet";
  const NodeStatus& status = *snapshot->status;
  if (status.role != Role::kMaster) {
    return "the peer is " + std::string(RoleName(status.role)) +
           ", not master; nothing to sync from";
  }
  const StatusCheck* peer_check = status.FindCheck(config.peer_check);
  if (peer_check == nullptr || !peer_check->file ||
      peer_check->file->sha256.empty()) {
    return "the peer's " + config.peer_check +
           " check reports no hash of its prefix state file";
  }
  return "";
}

CheckFactory Create(ConfigReader& config, const CheckEnv& env,
                    const CheckSettings& settings) {
  StateSyncConfig parsed;
  parsed.pds_file = config.String("pds_file", parsed.pds_file);
  parsed.max_lag = config.Dur("max_lag", parsed.max_lag);
  parsed.peer_max_age = config.Dur("peer_max_age", parsed.peer_max_age);
  parsed.peer_check = config.String("peer_check", parsed.peer_check);
  if (parsed.pds_file.empty() || parsed.pds_file[0] != '/') {
    config.Fail("pds_file",
                config.path() + ".pds_file must be an absolute path");
    return nullptr;
  }
  // The sync replaces the file: compare at once rather than at the interval.
  if (env.watch_file) env.watch_file(parsed.pds_file, settings.name);
  return FactoryOf<StateSyncCheck>(std::move(parsed), settings, env.peer_view);
}

}  // namespace

StateSyncVerdict JudgeStateSync(
    const StateSyncObservation& o, const StateSyncConfig& config,
    SystemClock::time_point now,
    std::chrono::steady_clock::time_point steady_now) {
  StateSyncVerdict v;
  if (!o.local) {
    v.summary =
        "cannot read the local prefix state: " + o.local.error().message;
    return v;
  }
  const std::string why_not = PeerUnusable(o.peer, config, steady_now);
  if (!why_not.empty()) {
    v.summary = why_not;
    return v;
  }
  const StatusFile& file = *o.peer->status->FindCheck(config.peer_check)->file;
  const LocalStateFile& local = o.local.value();
  v.compared = true;
  v.peer_sha256 = file.sha256;
  v.peer_last_run = file.last_run;
  if (file.mtime_unix) {
    v.peer_mtime_unix = *file.mtime_unix;
  } else if (file.age_seconds) {
    v.peer_mtime_unix = UnixSeconds(now) - *file.age_seconds;
  }
  v.in_sync = local.exists && local.sha256 == file.sha256;
  v.lag_seconds =
      v.in_sync ? 0.0 : std::max(0.0, UnixSeconds(now) - v.peer_mtime_unix);
  const double max_lag = std::chrono::duration<double>(config.max_lag).count();
  const std::string lag_text =
      std::to_string(static_cast<long>(v.lag_seconds)) + "s";
  v.status = CheckStatus::kOk;
  if (v.in_sync) {
    v.summary = "prefix state matches the MASTER's";
  } else if (!local.exists) {
    v.status = CheckStatus::kFail;
    v.summary = "no local copy of the prefix state (" + config.pds_file +
                "); the MASTER's changed " + lag_text + " ago";
  } else if (v.lag_seconds > max_lag) {
    v.status = CheckStatus::kFail;
    v.summary = "prefix state differs from the MASTER's for " + lag_text +
                " (max_lag " + FormatDuration(config.max_lag) + ")";
  } else {
    v.summary = "prefix state differs from the MASTER's for " + lag_text +
                ", within max_lag " + FormatDuration(config.max_lag);
  }
  return v;
}

StateSyncCheck::StateSyncCheck(StateSyncConfig config, CheckSettings settings,
                               std::shared_ptr<PeerView> peer)
    : config_(std::move(config)),
      settings_(std::move(settings)),
      peer_(std::move(peer)) {}

CheckResult StateSyncCheck::Run(const RunContext& context) {
  StateSyncObservation o{ReadLocal(config_.pds_file, config_.max_file_bytes),
                         std::nullopt};
  if (o.local && peer_) o.peer = peer_->Latest();
  const StateSyncVerdict v =
      JudgeStateSync(o, config_, context.wall_now, context.steady_now);
  CheckResult result{v.status, v.summary, nlohmann::json::object(), {}};
  if (!v.compared) return result;
  const LocalStateFile& local = o.local.value();
  nlohmann::json details = {
      {"local", {{"path", config_.pds_file}, {"exists", local.exists}}},
      {"peer", {{"sha256", v.peer_sha256}, {"mtime_unix", v.peer_mtime_unix}}},
      {"max_lag_seconds",
       std::chrono::duration<double>(config_.max_lag).count()},
      {"in_sync", v.in_sync},
      {"lag_seconds", v.lag_seconds}};
  if (local.exists) {
    details["local"]["sha256"] = local.sha256;
    details["local"]["mtime_unix"] = UnixSeconds(local.mtime);
    if (!local.last_run.empty()) details["local"]["last_run"] = local.last_run;
  }
  if (!v.peer_last_run.empty()) details["peer"]["last_run"] = v.peer_last_run;
  result.details = std::move(details);
  MetricSamples in_sync(kMetrics[kInSync]), lag(kMetrics[kLag]);
  in_sync.Add({}, v.in_sync ? 1 : 0);
  lag.Add({}, v.lag_seconds);
  result.metrics.push_back(in_sync.Take());
  result.metrics.push_back(lag.Take());
  return result;
}

CheckRegistration StateSyncCheckRegistration() {
  RoleSet roles;
  roles.master = false;
  roles.init = false;
  roles.unknown = false;
  return {"state_sync",
          Scope::kLocal,
          roles,
          std::chrono::seconds(10),
          std::chrono::seconds(5),
          &Create,
          {kMetrics}};
}

}  // namespace ipv6ha
