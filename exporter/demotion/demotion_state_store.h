#pragma once

// The durable record of our demotion contribution (demotion.state_file), a
// small JSON document written atomically (temp file, fsync, rename, fsync
// of the directory). The protocol (docs/demotion.md, "Crash safety"):
//   1. record {applied: A, pending: T, before: <counter read-back>}   (intent)
//   2. change the sink
//   3. record {applied: T}                                            (commit)
// so after a crash at any point ReconcileAdditive() can tell whether the
// pending change reached an additive counter. It also records what the
// controller needs to resume without new evidence changing nothing: the
// shares that were contributing (only those are restored after a restart)
// and the recent role changes (the flap guard). Times are of the monotonic
// clock (std::chrono::steady_clock), which counts from boot and is the same
// for every process of one boot. Not thread safe.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "exporter/base/expected.h"

namespace ipv6ha {

// A check whose weight was in our contribution when the state was written.
struct RecordedShare {
  std::string name;
  int weight = 0;
  // Set when the share was held without fresh evidence (the check unknown
  // or not applicable, or restored and not yet confirmed) since this time,
  // in milliseconds of the monotonic clock.
  std::optional<std::int64_t> unknown_since_ms;
  // When its lease ends then (with unknown_since_ms): a restart never
  // extends it.
  std::optional<std::int64_t> lease_until_ms;

  bool operator==(const RecordedShare&) const = default;
};

struct DemotionState {
  int applied = 0;                     // our contribution in the sink
  std::optional<int> pending;          // target of a change in flight
  std::optional<std::int64_t> before;  // additive counter before that change
  std::string epoch;                   // the counter's life (boot) when written
  std::string sink;                    // sink name, for operators
  std::vector<RecordedShare> contributing;
  std::vector<std::int64_t> role_changes_ms;  // monotonic clock
  // Version 1 files listed every down check, contributing or not; read for
  // the log, never restored (that is how a crash doubled a contribution).
  std::vector<std::string> legacy_down;

  bool operator==(const DemotionState&) const = default;
};

std::string SerializeDemotionState(const DemotionState& state);
Expected<DemotionState> ParseDemotionState(const std::string& text);

class DemotionStateStore {
 public:
  explicit DemotionStateStore(std::string path) : path_(std::move(path)) {}
  // nullopt when the file does not exist (first start).
  Expected<std::optional<DemotionState>> Load() const;
  Status Save(const DemotionState& state) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Decides, after a crash, how much of our contribution is in an additive
// counter. `recorded` is the state file; `epoch`/`current` are read now.
struct ReconcileOutcome {
  int applied = 0;   // our contribution in the counter now
  std::string note;  // a sentence for the log and the status API
};
ReconcileOutcome ReconcileAdditive(const DemotionState& recorded,
                                   const Expected<std::string>& epoch,
                                   const Expected<std::int64_t>& current);

}  // namespace ipv6ha
