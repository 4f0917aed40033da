#pragma once

// `state_sync`: on the BACKUP, is the prefix state file (the pds file) the
// same as the MASTER's? The opnsense-ha scripts copy the MASTER's file to the
// BACKUP; if the copy is stale, the BACKUP takes over with old prefixes and
// the LANs lose IPv6 until dhcp6c catches up. This is the "backup can take
// over IPv6 seamlessly" validation.
//
// The MASTER's side comes from the peer's GET /api/v1/status, read through
// CheckEnv::peer_view (filled by peer_reachability): the entry of its
// prefix_freshness check carries details.file = {path, mtime, mtime_unix,
// sha256, size_bytes, age_seconds}. This check hashes the local copy the
// same way (SHA-256 of the content).
//
//   ok       same content; or different for at most max_lag
//   fail     different content for longer than max_lag (the lag counts from
//            the MASTER's last write); or no local copy at all
//   unknown  no peer status, an old one (older than peer_max_age), the peer
//            is not MASTER, or its status carries no file hash; the local
//            file is unreadable
//
// Lag uses the MASTER's wall clock for its mtime: the nodes must run NTP.
// Applies on BACKUP only. Run() is not reentrant (the scheduler guarantees it).

#include <chrono>
#include <optional>
#include <string>

#include "checks/check_registry.h"

namespace ipv6ha {

struct StateSyncConfig {
  std::string pds_file = "/var/db/dhcp6c-pds.json";
  Duration max_lag{std::chrono::minutes(5)};
  Duration peer_max_age{std::chrono::seconds(30)};
  // Name of the peer's check whose details.file describes its pds file.
  std::string peer_check = "prefix_freshness";
  std::size_t max_file_bytes = 4 * 1024 * 1024;
};

// The local copy, as the check sees it.
struct LocalStateFile {
  bool exists = false;
  std::string sha256;
  std::chrono::system_clock::time_point mtime;
  std::string last_run;  // summary.last_run of the new pds format, if any
};

// What one run read: the local copy, and the peer's latest view (read only
// when the local copy was).
struct StateSyncObservation {
  Expected<LocalStateFile> local;
  std::optional<PeerSnapshot> peer;
};

struct StateSyncVerdict {
  CheckStatus status = CheckStatus::kUnknown;
  std::string summary;
  bool compared = false;  // both sides were there; the fields below are set
  bool in_sync = false;
  double lag_seconds = 0;
  std::string peer_sha256;
  double peer_mtime_unix = 0;
  std::string peer_last_run;
};

// Pure: `o` at wall time `now` (the lag) and monotonic time `steady_now`
// (the age of the peer's view).
StateSyncVerdict JudgeStateSync(
    const StateSyncObservation& o, const StateSyncConfig& config,
    std::chrono::system_clock::time_point now,
    std::chrono::steady_clock::time_point steady_now);

class StateSyncCheck : public Check {
 public:
  // Judges against RunContext::wall_now and steady_now.
  StateSyncCheck(StateSyncConfig config, CheckSettings settings,
                 std::shared_ptr<PeerView> peer);
  CheckResult Run(const RunContext& context) override;

 private:
  StateSyncConfig config_;
  CheckSettings settings_;
  std::shared_ptr<PeerView> peer_;
};

CheckRegistration StateSyncCheckRegistration();

}  // namespace ipv6ha
