#pragma once

// Owns the demotion controller, the sink and the state file, and keeps the
// sink in step with the controller's decision:
//  - OnResult() is the ResultStore listener (one call per published result);
//  - Evaluate() also runs on its own timer (hold_down expiry, peer and role
//    changes);
//  - Start() reconciles the sink with the state file (crash recovery);
//  - Shutdown() withdraws our contribution unless keep_on_exit.
// dry_run (or enabled: false) computes and reports but writes nothing, not
// even the state file. When the state file cannot be written the sink is
// not changed (the intent must be durable first); it retries on every
// evaluation. Thread safe: every entry point takes one mutex.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <vector>

#include "checks/check_registry.h"
#include "checks/peer_view.h"
#include "exporter/demotion/demotion_config.h"
#include "exporter/demotion/demotion_controller.h"
#include "exporter/demotion/demotion_sink.h"
#include "exporter/demotion/demotion_state_store.h"
#include "exporter/result_store.h"

namespace ipv6ha {

struct DemotionInputs {
  std::function<Role()> role;                          // required
  std::function<std::optional<PeerSnapshot>()> peer;   // may be empty
  std::function<std::vector<CheckRecord>()> snapshot;  // may be empty
};

class DemotionService : public prometheus::Collectable {
 public:
  // `store` may be null (sink none): nothing is recorded.
  DemotionService(DemotionConfig config, ControllerParams params,
                  std::unique_ptr<DemotionSink> sink,
                  std::unique_ptr<DemotionStateStore> store,
                  const std::vector<CheckSettings>& checks,
                  DemotionInputs inputs);
  DemotionService(const DemotionService&) = delete;
  DemotionService& operator=(const DemotionService&) = delete;
  ~DemotionService() override;  // stops the timer; does not withdraw

  // Reconciles with the state file, then applies the first decision.
  void Start(ControllerTime now);
  // Evaluates every `period` on a thread until Shutdown().
  void StartTimer(std::chrono::milliseconds period);
  void OnResult(const CheckRecord& record);
  // Same, at a given time (tests drive a fake clock through these).
  void OnResultAt(const CheckRecord& record, ControllerTime now);
  void OnRoleChange(Role role);
  Decision Evaluate(ControllerTime now);
  // Stops the timer; withdraws our contribution unless keep_on_exit.
  void Shutdown();
  // Stops the timer and all writing but leaves the contribution and the
  // state file for the next owner (config reload): it reconciles from them.
  void Release();

  int applied() const;
  nlohmann::json Status() const;
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  bool WritesAllowed() const { return config_.enabled && !config_.dry_run; }
  void ObserveLocked(const CheckRecord& record, ControllerTime now);
  Decision EvaluateLocked(ControllerTime now);
  void ConvergeLocked(int target, const std::string& reason);
  bool SaveLocked(std::optional<int> pending,
                  std::optional<std::int64_t> before);
  void ReconcileLocked();
  void StopTimer();

  const DemotionConfig config_;
  std::unique_ptr<DemotionSink> sink_;
  std::unique_ptr<DemotionStateStore> store_;
  DemotionInputs inputs_;

  mutable std::mutex mutex_;
  DemotionController controller_;
  Decision decision_;
  int applied_ = 0;
  bool commit_pending_ = false;  // sink changed, commit record not yet written
  bool resync_ = false;          // absolute sink: write once after start
  std::string epoch_;
  std::string reconcile_note_;
  std::string sink_error_;
  std::string state_error_;
  std::uint64_t changes_up_ = 0;
  std::uint64_t changes_down_ = 0;
  std::uint64_t sink_errors_ = 0;
  std::uint64_t state_errors_ = 0;
  std::string last_logged_key_;  // decision last logged
  bool shut_down_ = false;

  std::mutex timer_mutex_;
  std::condition_variable timer_cv_;
  bool timer_stop_ = false;
  std::thread timer_;
};

// Builds the sink named in `config`: carp_sysctl on the kernel counter, the
// track file, the command, or none.
std::unique_ptr<DemotionSink> MakeDemotionSink(const DemotionConfig& config);
// The state store of `config`; null for sink none (nothing to record).
std::unique_ptr<DemotionStateStore> MakeDemotionStateStore(
    const DemotionConfig& config);

}  // namespace ipv6ha
