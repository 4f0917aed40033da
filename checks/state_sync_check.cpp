#include "checks/state_sync_check.h"

#include <filesystem>

#include "checks/metric_table.h"
#include "checks/pds/pds_digest.h"
#include "exporter/base/duration.h"
#include "exporter/platform/bounded_file.h"
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
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec)
    return local;  // no copy at all
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

std::unique_ptr<Check> Create(ConfigReader& config, const CheckEnv& env,
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
  return std::make_unique<StateSyncCheck>(std::move(parsed), settings,
                                          env.peer_view);
}

}  // namespace

StateSyncCheck::StateSyncCheck(StateSyncConfig config, CheckSettings settings,
                               std::shared_ptr<PeerView> peer, Clock now)
    : config_(std::move(config)),
      settings_(std::move(settings)),
      peer_(std::move(peer)),
      now_(now ? std::move(now) : Clock([] { return SystemClock::now(); })) {}

CheckResult StateSyncCheck::Run(const RunContext& /*context*/) {
  auto local = ReadLocal(config_.pds_file, config_.max_file_bytes);
  if (!local) {
    return WithMetrics(
        CheckResult::Unknown("cannot read the local prefix state: " +
                             local.error().message),
        std::nullopt);
  }
  std::optional<PeerSnapshot> snapshot;
  if (peer_) snapshot = peer_->Latest();
  return Compare(*local, snapshot, now_(), std::chrono::steady_clock::now());
}

CheckResult StateSyncCheck::Compare(
    const LocalStateFile& local, const std::optional<PeerSnapshot>& snapshot,
    SystemClock::time_point now,
    std::chrono::steady_clock::time_point steady_now) const {
  if (!snapshot) {
    return WithMetrics(CheckResult::Unknown("no status from the peer yet"),
                       std::nullopt);
  }
  if (!snapshot->api_ok) {
    return WithMetrics(
        CheckResult::Unknown(
            "the peer's status is not available" +
            (snapshot->error.empty() ? "" : ": " + snapshot->error)),
        std::nullopt);
  }
  const double view_age =
      std::chrono::duration<double>(steady_now - snapshot->fetched_at).count();
  if (view_age > std::chrono::duration<double>(config_.peer_max_age).count()) {
    return WithMetrics(
        CheckResult::Unknown("the peer's status is " +
                             std::to_string(static_cast<long>(view_age)) +
                             "s old (peer_max_age " +
                             FormatDuration(config_.peer_max_age) + ")"),
        std::nullopt);
  }
  if (!snapshot->status) {
    return WithMetrics(CheckResult::Unknown("no status from the peer yet"),
                       std::nullopt);
  }
  const NodeStatus& status = *snapshot->status;
  if (status.role != Role::kMaster) {
    return WithMetrics(CheckResult::Unknown(
                           "the peer is " + std::string(RoleName(status.role)) +
                           ", not master; nothing to sync from"),
                       std::nullopt);
  }
  const StatusCheck* peer_check = status.FindCheck(config_.peer_check);
  if (peer_check == nullptr || !peer_check->file ||
      peer_check->file->sha256.empty()) {
    return WithMetrics(
        CheckResult::Unknown("the peer's " + config_.peer_check +
                             " check reports no hash of its prefix state file"),
        std::nullopt);
  }
  const StatusFile& file = *peer_check->file;
  const std::string& peer_hash = file.sha256;
  double peer_mtime = 0;
  if (file.mtime_unix) {
    peer_mtime = *file.mtime_unix;
  } else if (file.age_seconds) {
    peer_mtime = UnixSeconds(now) - *file.age_seconds;
  }

  nlohmann::json details = {
      {"local", {{"path", config_.pds_file}, {"exists", local.exists}}},
      {"peer", {{"sha256", peer_hash}, {"mtime_unix", peer_mtime}}},
      {"max_lag_seconds",
       std::chrono::duration<double>(config_.max_lag).count()}};
  if (local.exists) {
    details["local"]["sha256"] = local.sha256;
    details["local"]["mtime_unix"] = UnixSeconds(local.mtime);
    if (!local.last_run.empty()) details["local"]["last_run"] = local.last_run;
  }
  if (!file.last_run.empty()) details["peer"]["last_run"] = file.last_run;

  const bool in_sync = local.exists && local.sha256 == peer_hash;
  const double lag =
      in_sync ? 0.0 : std::max(0.0, UnixSeconds(now) - peer_mtime);
  const double max_lag = std::chrono::duration<double>(config_.max_lag).count();
  details["in_sync"] = in_sync;
  details["lag_seconds"] = lag;
  const std::string lag_text = std::to_string(static_cast<long>(lag)) + "s";
  CheckResult result;
  if (in_sync) {
    result = CheckResult::Ok("prefix state matches the MASTER's");
  } else if (!local.exists) {
    result = CheckResult::Fail("no local copy of the prefix state (" +
                               config_.pds_file + "); the MASTER's changed " +
                               lag_text + " ago");
  } else if (lag > max_lag) {
    result = CheckResult::Fail("prefix state differs from the MASTER's for " +
                               lag_text + " (max_lag " +
                               FormatDuration(config_.max_lag) + ")");
  } else {
    result = CheckResult::Ok("prefix state differs from the MASTER's for " +
                             lag_text + ", within max_lag " +
                             FormatDuration(config_.max_lag));
  }
  result.details = std::move(details);
  return WithMetrics(std::move(result), lag);
}

CheckResult StateSyncCheck::WithMetrics(CheckResult result,
                                        std::optional<double> lag) const {
  if (lag) {
    MetricSamples in_sync(kMetrics[kInSync]), lag_family(kMetrics[kLag]);
    in_sync.Add({}, result.details.value("in_sync", false) ? 1 : 0);
    lag_family.Add({}, *lag);
    result.metrics.push_back(in_sync.Take());
    result.metrics.push_back(lag_family.Take());
  }
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
