#pragma once

// The one owner of our contribution in the sink, in the role of bgpd's
// carp.c: only it changes the sink and writes the state file. Start()
// reconciles with the state file (crash recovery); Converge() moves the
// sink to a target by the protocol of docs/demotion.md ("Crash safety"):
// intent recorded, sink changed, commit recorded. It records the epoch and
// what the controller must find again after a restart, and counts its own
// errors. A failed step is retried by the next Converge(). With writes not
// allowed (dry run, enabled: false) it reconciles but never writes.
//
// What it reports equals what the sink holds: `applied` is nullopt while it
// cannot tell (an additive counter with an unusable state file), and then
// it does not touch the sink and says why in `refused`.
// Not thread safe: the DemotionService calls it from one thread at a time.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exporter/demotion/demotion_sink.h"
#include "exporter/demotion/demotion_state_store.h"

namespace ipv6ha {

// What the controller wants recorded with the contribution.
struct ControllerRecord {
  std::vector<RecordedShare> contributing;
  std::vector<std::int64_t> role_changes_ms;

  bool operator==(const ControllerRecord&) const = default;
};

struct WriterReport {
  std::optional<int> applied;  // ours in the sink; nullopt: cannot tell
  std::string sink;
  std::string state_path;      // "" without a state file (sink none)
  std::string reconcile_note;  // what Start() found
  std::string refused;         // why the sink is not touched, if it is not
  std::string sink_error;
  std::string state_error;
  std::uint64_t changes_up = 0;
  std::uint64_t changes_down = 0;
  std::uint64_t sink_errors = 0;
  std::uint64_t state_errors = 0;
};

class ContributionWriter {
 public:
  // `store` may be null (sink none): nothing is recorded.
  ContributionWriter(std::unique_ptr<DemotionSink> sink,
                     std::unique_ptr<DemotionStateStore> store,
                     bool writes_allowed);
  ContributionWriter(const ContributionWriter&) = delete;
  ContributionWriter& operator=(const ContributionWriter&) = delete;

  // Reconciles the sink with the state file. Returns what the controller
  // recorded, to restore; nullopt when there is no usable record.
  std::optional<ControllerRecord> Start();
  // Moves our contribution to `target` (>= 0) and records `record` with
  // it; `reason` is logged with a change.
  void Converge(int target, const ControllerRecord& record,
                const std::string& reason);

  const WriterReport& report() const { return report_; }

 private:
  DemotionState Record(int applied, const ControllerRecord& record,
                       std::optional<int> pending = std::nullopt,
                       std::optional<std::int64_t> before = std::nullopt) const;
  bool Save(const DemotionState& state);
  // False when the intent could not be recorded (nothing was changed).
  bool Change(int target, const ControllerRecord& record,
              const std::string& reason);
  void RetryReconcile();

  std::unique_ptr<DemotionSink> sink_;
  std::unique_ptr<DemotionStateStore> store_;
  const bool writes_allowed_;
  std::string epoch_;
  bool rewrite_ = false;  // absolute sink: write once at start, even if equal
  std::optional<DemotionState> recorded_;  // what the state file holds
  WriterReport report_;
};

}  // namespace ipv6ha
