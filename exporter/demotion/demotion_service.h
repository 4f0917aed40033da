#pragma once

// Runs the demotion controller on one thread of its own and keeps the sink
// in step with it through one ContributionWriter:
//  - listeners only wake that thread: OnResult() (the ResultStore
//    listener) queues the result, Wake() (role monitor, peer view) asks
//    for an evaluation; neither touches the sink, the state file or the
//    controller, so no check's worker ever waits for a sysctl write, an
//    fsync or the `command` sink's 10 s timeout;
//  - each evaluation takes one snapshot (the queued results, each exactly
//    once, the role with its change count, the peer view, the clock),
//    evaluates and hands the target to the writer;
//  - the thread also evaluates every `period` (leases, hold_down and the
//    flap window expire with time; a failed write is retried);
//  - Start() reconciles with the state file and restores the shares that
//    were contributing; Shutdown() withdraws unless keep_on_exit and
//    records nothing contributing; Release() hands over (config reload).
// dry_run (or enabled: false) computes and reports but writes nothing.
// Thread safe: Status() and Collect() read the last published report.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <vector>

#include "checks/check_registry.h"
#include "checks/metric_table.h"
#include "checks/peer_view.h"
#include "exporter/demotion/contribution_writer.h"
#include "exporter/demotion/demotion_config.h"
#include "exporter/demotion/demotion_controller.h"
#include "exporter/peer/peer_status.h"
#include "exporter/platform/clock.h"
#include "exporter/store/result_store.h"

namespace ipv6ha {

struct DemotionInputs {
  std::function<RoleSample()> role;                   // required
  std::function<std::optional<PeerSnapshot>()> peer;  // may be empty
  // Steady time for the controller, wall time for the decision log; null:
  // the system's clocks. Must outlive the service.
  const Clock* clock = nullptr;
  // May be empty. Called on the evaluating thread after each evaluation,
  // once Status() shows it; must not block (the service status trigger
  // only queues the decision).
  std::function<void(const Decision&)> published;
};

// The decision log keeps this many changed decisions (the landing page and
// controller.decisions show them, newest last).
inline constexpr std::size_t kDecisionLogSize = 20;

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
  ~DemotionService() override;  // stops the thread; does not withdraw

  // Reconciles with the state file, restores, applies the first decision.
  void Start();
  // Starts the controller thread (evaluates when woken, or every `period`).
  void StartThread(std::chrono::milliseconds period);
  // Queues one published result and wakes the controller thread.
  void OnResult(const CheckRecord& record);
  // Something the snapshot reads (role, peer) changed.
  void Wake();
  // One evaluation on the caller's thread (tests, `check`); serialised with
  // the controller thread.
  Decision EvaluateNow();
  // Stops the thread; withdraws our contribution unless keep_on_exit.
  void Shutdown();
  // Stops the thread and all writing but leaves the contribution and the
  // state file for the next owner (config reload): it reconciles from them.
  void Release();

  // Our contribution in the sink (0 while it cannot be told; see Status()).
  int applied() const;
  // The `controller` member of the status document, typed; Status() is it
  // as written (WriteControllerStatus).
  StatusController Report() const;
  nlohmann::json Status() const;
  std::vector<prometheus::MetricFamily> Collect() const override;
  // The table of the controller's metrics (checks/metric_table.h).
  static MetricTable Metrics();

 private:
  // What Status() and Collect() show: copied after every evaluation.
  struct Published {
    Decision decision;
    WriterReport writer;
    std::map<std::string, std::uint64_t> expiries;  // per check
    std::uint64_t dropped_results = 0;
    std::deque<StatusDecision> decisions;  // the decision log, newest last
  };

  bool WritesAllowed() const { return config_.enabled && !config_.dry_run; }
  ControllerTime Now() const;
  const Clock& clock() const {
    return inputs_.clock ? *inputs_.clock : SystemClock();
  }
  Decision EvaluateLocked();
  ControllerRecord RecordLocked() const;
  void LogLocked(const Decision& d);
  void PublishLocked(const Decision& d);
  void StopThread();

  const DemotionConfig config_;
  const ControllerParams params_;
  const DemotionInputs inputs_;

  // Evaluation: the controller, the writer and what only they touch.
  std::mutex eval_mutex_;
  DemotionController controller_;
  ContributionWriter writer_;
  std::map<std::string, std::uint64_t> expiries_;
  std::string last_logged_key_;
  std::string last_history_key_;  // of the decision history's newest entry
  std::deque<StatusDecision> decisions_;
  int last_desired_ = 0;
  std::set<Suppression> last_suppressed_;
  bool shut_down_ = false;

  // What listeners touch: the queue and the thread's wake-up.
  std::mutex inbox_mutex_;
  std::condition_variable inbox_cv_;
  std::vector<CheckEvent> inbox_;
  std::uint64_t dropped_results_ = 0;
  bool woken_ = false;
  bool stop_ = false;
  std::thread thread_;

  mutable std::mutex report_mutex_;
  Published report_;
};

// Builds the sink named in `config`: carp_sysctl on the kernel counter
// (additive), the track file, the command or none (absolute).
std::unique_ptr<DemotionSink> MakeDemotionSink(const DemotionConfig& config);
// The state store of `config`; null for sink none (nothing to record).
std::unique_ptr<DemotionStateStore> MakeDemotionStateStore(
    const DemotionConfig& config);

}  // namespace ipv6ha
