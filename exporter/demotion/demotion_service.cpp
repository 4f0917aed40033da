#include "exporter/demotion/demotion_service.h"

#include <spdlog/spdlog.h>

#include "exporter/demotion/carp_sysctl_sink.h"
#include "exporter/demotion/command_sink.h"
#include "exporter/demotion/track_file_sink.h"

namespace ipv6ha {
namespace {

// What makes a decision different for the log: not the failure counts
// (they grow with every run), but what counts, what is held back, and why.
std::string DecisionKey(const Decision& d) {
  std::string key =
      std::to_string(d.desired) + "|" + std::string(RoleName(d.role)) + "|" +
      (d.peer.ready ? "r" : "n") + (d.peer.upstream_ok ? "u" : "-") +
      (d.flap_guard_engaged ? "F" : "-");
  for (Suppression s : d.suppressed)
    key += "|" + std::string(SuppressionName(s));
  for (const auto& c : d.checks) {
    key +=
        "|" + c.name + (c.down ? "D" : "-") + (c.recovering ? "R" : "-") +
        (c.contributing ? "C" : "-") + (c.applicable ? "A" : "-") +
        (c.suppressed_by ? std::string(SuppressionName(*c.suppressed_by)) : "");
  }
  return key;
}

CheckInput ToInput(const CheckRecord& r) {
  CheckInput in;
  in.name = r.settings.name;
  in.scope = r.settings.scope;
  in.weight = r.settings.weight;
  in.status = r.status();
  in.applicable = r.applicable;
  in.run = r.runs;
  return in;
}

}  // namespace

std::unique_ptr<DemotionSink> MakeDemotionSink(const DemotionConfig& c) {
  if (c.sink == "carp_sysctl") {
    return std::make_unique<CarpSysctlSink>(MakeKernelCarpDemotionCounter());
  }
  if (c.sink == "keepalived_track_file")
    return std::make_unique<TrackFileSink>(c.track_file);
  if (c.sink == "command") {
    return std::make_unique<CommandSink>(c.command, std::chrono::seconds(10));
  }
  return std::make_unique<NoneSink>();
}

std::unique_ptr<DemotionStateStore> MakeDemotionStateStore(
    const DemotionConfig& c) {
  if (c.sink == "none") return nullptr;
  return std::make_unique<DemotionStateStore>(c.state_file);
}

DemotionService::DemotionService(DemotionConfig config, ControllerParams params,
                                 std::unique_ptr<DemotionSink> sink,
                                 std::unique_ptr<DemotionStateStore> store,
                                 const std::vector<CheckSettings>& checks,
                                 DemotionInputs inputs)
    : config_(std::move(config)),
      sink_(std::move(sink)),
      store_(std::move(store)),
      inputs_(std::move(inputs)),
      controller_(std::move(params)) {
  for (const auto& s : checks) {
    controller_.Observe(
        {s.name, s.scope, s.weight, CheckStatus::kUnknown, true, 0}, {});
  }
}

DemotionService::~DemotionService() { StopTimer(); }

void DemotionService::Start(ControllerTime now) {
  std::lock_guard lock(mutex_);
  ReconcileLocked();
  if (inputs_.snapshot) {
    for (const auto& r : inputs_.snapshot()) ObserveLocked(r, now);
  }
  EvaluateLocked(now);
}

void DemotionService::ReconcileLocked() {
  if (auto e = sink_->Epoch()) epoch_ = *e;
  if (!store_) return;
  auto loaded = store_->Load();
  if (!loaded) {
    state_error_ = loaded.error().message;
    reconcile_note_ =
        "state file unreadable, assuming no contribution: " + state_error_;
    spdlog::error("demotion: {}", reconcile_note_);
    return;
  }
  if (!loaded->has_value()) {
    reconcile_note_ = "no state file yet: no contribution recorded";
  } else {
    const DemotionState& rec = **loaded;
    if (sink_->Additive()) {
      const auto outcome =
          ReconcileAdditive(rec, sink_->Epoch(), sink_->ReadBack());
      applied_ = outcome.applied;
      reconcile_note_ = outcome.note;
    } else {
      applied_ = rec.applied;
      if (rec.pending) {
        auto back = sink_->ReadBack();
        applied_ = back ? static_cast<int>(*back) : *rec.pending;
      }
      reconcile_note_ = "recorded contribution " + std::to_string(applied_) +
                        " will be rewritten to " + std::string(sink_->Name());
      resync_ = true;
    }
    controller_.Restore(rec.down, applied_);
    spdlog::info("demotion: reconciled from {}: {}", store_->path(),
                 reconcile_note_);
  }
  if (!sink_->Additive()) resync_ = true;
  if (WritesAllowed()) SaveLocked(std::nullopt, std::nullopt);
}

void DemotionService::StartTimer(std::chrono::milliseconds period) {
  std::lock_guard lock(timer_mutex_);
  if (timer_.joinable()) return;
  timer_stop_ = false;
  timer_ = std::thread([this, period] {
    std::unique_lock tl(timer_mutex_);
    while (!timer_stop_) {
      if (timer_cv_.wait_for(tl, period, [this] { return timer_stop_; })) break;
      tl.unlock();
      Evaluate(ControllerClock::now());
      tl.lock();
    }
  });
}

void DemotionService::StopTimer() {
  {
    std::lock_guard lock(timer_mutex_);
    timer_stop_ = true;
  }
  timer_cv_.notify_all();
  if (timer_.joinable()) timer_.join();
}

void DemotionService::OnResult(const CheckRecord& record) {
  OnResultAt(record, ControllerClock::now());
}

void DemotionService::OnResultAt(const CheckRecord& record,
                                 ControllerTime now) {
  std::lock_guard lock(mutex_);
  if (shut_down_) return;
  ObserveLocked(record, now);
  EvaluateLocked(now);
}

void DemotionService::OnRoleChange(Role role) {
  std::lock_guard lock(mutex_);
  controller_.ObserveRole(role, ControllerClock::now());
}

Decision DemotionService::Evaluate(ControllerTime now) {
  std::lock_guard lock(mutex_);
  if (inputs_.snapshot) {
    for (const auto& r : inputs_.snapshot()) ObserveLocked(r, now);
  }
  return EvaluateLocked(now);
}

void DemotionService::ObserveLocked(const CheckRecord& record,
                                    ControllerTime now) {
  controller_.Observe(ToInput(record), now);
}

Decision DemotionService::EvaluateLocked(ControllerTime now) {
  const Role role = inputs_.role ? inputs_.role() : Role::kUnknown;
  std::optional<PeerSnapshot> peer;
  if (inputs_.peer) peer = inputs_.peer();
  Decision d = controller_.Evaluate(role, peer, now);
  if (!WritesAllowed() && d.desired > 0)
    d.suppressed.insert(Suppression::kDryRun);
  if (const std::string key = DecisionKey(d); key != last_logged_key_) {
    const std::string prefix = WritesAllowed() ? "" : "(dry run) ";
    if (d.desired != decision_.desired ||
        d.suppressed != decision_.suppressed) {
      spdlog::warn("demotion: {}{}", prefix, d.reason);
    } else {
      spdlog::info("demotion: {}{}", prefix, d.reason);
    }
    last_logged_key_ = key;
  }
  decision_ = d;
  if (!shut_down_) ConvergeLocked(d.desired, d.reason);
  return d;
}

bool DemotionService::SaveLocked(std::optional<int> pending,
                                 std::optional<std::int64_t> before) {
  if (!store_) return true;
  DemotionState s;
  s.applied = applied_;
  s.pending = pending;
  s.before = before;
  s.epoch = epoch_;
  s.sink = std::string(sink_->Name());
  // A clean stop withdraws and forgets; a crash keeps the down checks.
  if (!shut_down_) s.down = controller_.DownChecks();
  if (auto st = store_->Save(s); !st) {
    ++state_errors_;
    if (state_error_ != st.error().message) {
      spdlog::error("demotion: cannot record state, not changing the sink: {}",
                    st.error().message);
    }
    state_error_ = st.error().message;
    return false;
  }
  if (!state_error_.empty())
    spdlog::info("demotion: state file writable again");
  state_error_.clear();
  return true;
}

void DemotionService::ConvergeLocked(int target, const std::string& reason) {
  if (!WritesAllowed()) return;
  target = std::clamp(target, 0, config_.max);
  if (commit_pending_ && SaveLocked(std::nullopt, std::nullopt))
    commit_pending_ = false;
  if (target == applied_ && !resync_) return;
  std::optional<std::int64_t> before;
  if (sink_->Additive()) {
    if (auto rb = sink_->ReadBack()) before = *rb;
  }
  // Intent first: after a crash from here on, the state file names the change.
  if (!SaveLocked(target, before)) return;
  const int from = applied_;
  if (auto st = sink_->Apply(from, target); !st) {
    ++sink_errors_;
    if (sink_error_ != st.error().message) {
      spdlog::error("demotion: {} sink failed: {}", sink_->Name(),
                    st.error().message);
    }
    sink_error_ = st.error().message;
    SaveLocked(std::nullopt, std::nullopt);
    return;
  }
  if (!sink_error_.empty())
    spdlog::info("demotion: {} sink works again", sink_->Name());
  sink_error_.clear();
  resync_ = false;
  applied_ = target;
  if (target > from) ++changes_up_;
  if (target < from) ++changes_down_;
  if (target != from) {
    spdlog::warn("demotion: applied {} (was {}) via {}: {}", target, from,
                 sink_->Name(), reason);
  }
  if (!SaveLocked(std::nullopt, std::nullopt)) commit_pending_ = true;
}

void DemotionService::Shutdown() {
  StopTimer();
  std::lock_guard lock(mutex_);
  if (shut_down_) return;
  const bool withdraw = WritesAllowed() && !config_.keep_on_exit;
  if (applied_ != 0 && !withdraw) {
    spdlog::info("demotion: leaving contribution {} in place on stop",
                 applied_);
  }
  shut_down_ = true;
  if (withdraw) {
    if (applied_ != 0)
      spdlog::info("demotion: withdrawing our contribution {} on stop",
                   applied_);
    ConvergeLocked(0, "clean stop");
  }
}

void DemotionService::Release() {
  StopTimer();
  std::lock_guard lock(mutex_);
  shut_down_ = true;
}

int DemotionService::applied() const {
  std::lock_guard lock(mutex_);
  return applied_;
}

}  // namespace ipv6ha
