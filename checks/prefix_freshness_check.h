#pragma once

// `prefix_freshness`: is the delegated-prefix state file
// (/var/db/dhcp6c-pds.json) fresh and does it hold the prefixes this node
// relies on?
//
//   fail     the file is older than max_age (mtime); fewer than min_active
//            delegations are active; an active delegation has no valid IPv6
//            prefix; a delegation the NPTv6 config relies on is missing or
//            not active
//   unknown  the file is missing, unreadable, larger than max_file_bytes,
//            not JSON or the wrong shape, or has an entry without a prefix
//            (a broken file is not evidence that the prefix is gone); its
//            modification time lies more than kFutureMtimeTolerance in the
//            future (its age cannot be judged)
//
// Applies in every role: on a BACKUP the file is synced from the MASTER, and
// a stale copy means it cannot take over cleanly. Registers a file watch so a
// rewritten file is checked at once. Prefix changes between runs are counted
// and logged once each. Run() is not reentrant (the scheduler guarantees it).

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "checks/check_registry.h"
#include "checks/pds/pds_state_parser.h"
#include "checks/prefix_freshness_judge.h"

namespace ipv6ha {

class PrefixFreshnessCheck : public Check {
 public:
  // Judges against RunContext::wall_now.
  explicit PrefixFreshnessCheck(PrefixFreshnessConfig config);
  CheckResult Run(const RunContext& context) override;

  // Prefix changes seen between runs since this object was created.
  std::uint64_t changes_seen() const { return changes_total_; }

 private:
  FreshnessObservation Observe() const;
  void TrackChanges(const PdsState& state);
  nlohmann::json FileDetails(const FreshnessObservation& o,
                             const FreshnessVerdict& v) const;
  void AddStateDetails(const FreshnessObservation& o, const FreshnessVerdict& v,
                       nlohmann::json& details) const;
  void AddStateSamples(const FreshnessObservation& o, const FreshnessVerdict& v,
                       std::vector<prometheus::MetricFamily>& out) const;

  PrefixFreshnessConfig config_;
  std::map<std::string, std::string> last_prefix_;  // pd id -> prefix
  std::uint64_t changes_total_ = 0;
};

CheckRegistration PrefixFreshnessCheckRegistration();

}  // namespace ipv6ha
