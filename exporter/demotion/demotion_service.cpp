#include "exporter/demotion/demotion_service.h"

#include <spdlog/spdlog.h>

#include "exporter/base/duration.h"
#include "exporter/demotion/carp_sysctl_sink.h"
#include "exporter/demotion/command_sink.h"
#include "exporter/demotion/track_file_sink.h"

namespace ipv6ha {
namespace {

// Results queued while an evaluation is slow (a `command` sink runs up to
// 10 s): far more than checks publish meanwhile; beyond it the oldest go.
constexpr std::size_t kInboxLimit = 65536;

// What makes a decision different for the log: not the failure counts or
// the hold's age (they grow with every run), but what counts, what is held
// or held back, and why. The decision history (kHistory) leaves out what
// cannot move the contribution: observe-only checks (weight 0) and the
// latest evidence of each check, whose effect shows in its flags.
enum class KeyFor { kLog, kHistory };
std::string DecisionKey(const Decision& d, KeyFor what) {
  std::string key = std::to_string(d.desired);
  key += '|';
  key += RoleName(d.role);
  key += d.peer.ready ? 'r' : 'n';
  key += d.peer.better ? 'b' : '-';
  key += d.peer.upstream_ok ? 'u' : '-';
  key += d.flap_guard_engaged ? 'F' : '-';
  for (Suppression s : d.suppressed) {
    key += '|';
    key += SuppressionName(s);
  }
  for (const auto& c : d.checks) {
    if (what == KeyFor::kHistory && c.weight == 0) continue;
    key += '|';
    key += c.name;
    for (bool flag :
         {c.down, c.recovering, c.contributing, c.Held(d.at), c.withdrawn}) {
      key += flag ? '1' : '0';
    }
    if (what == KeyFor::kLog) key += EvidenceName(c.evidence);
    if (c.suppressed_by) key += SuppressionName(*c.suppressed_by);
  }
  return key;
}

}  // namespace

std::unique_ptr<DemotionSink> MakeDemotionSink(const DemotionConfig& c) {
  if (c.sink == "carp_sysctl") {
    return std::make_unique<AdditiveSink>(c.sink,
                                          MakeKernelCarpDemotionCounter());
  }
  std::unique_ptr<DemotionValue> value;
  if (c.sink == "keepalived_track_file") {
    value = std::make_unique<TrackFileSink>(c.track_file);
  } else if (c.sink == "command") {
    value = std::make_unique<CommandSink>(c.command, std::chrono::seconds(10));
  } else {
    value = std::make_unique<NoneValue>();
  }
  return std::make_unique<AbsoluteSink>(c.sink, std::move(value));
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
      params_(params),
      inputs_(std::move(inputs)),
      controller_(std::move(params), checks),
      writer_(std::move(sink), std::move(store),
              config_.enabled && !config_.dry_run) {
  Decision before_start;
  before_start.reason = "not evaluated yet: starting";
  PublishLocked(before_start);
}

DemotionService::~DemotionService() { StopThread(); }

ControllerTime DemotionService::Now() const { return clock().SteadyNow(); }

void DemotionService::Start() {
  std::lock_guard lock(eval_mutex_);
  if (auto record = writer_.Start()) {
    controller_.Restore(record->contributing, record->role_changes_ms,
                        writer_.report().applied.value_or(0), Now());
  }
  EvaluateLocked();
}

void DemotionService::StartThread(std::chrono::milliseconds period) {
  std::lock_guard lock(inbox_mutex_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this, period] {
    std::unique_lock l(inbox_mutex_);
    while (!stop_) {
      inbox_cv_.wait_for(l, period, [this] { return stop_ || woken_; });
      if (stop_) break;
      woken_ = false;
      l.unlock();
      EvaluateNow();
      l.lock();
    }
  });
}

void DemotionService::StopThread() {
  std::thread thread;
  {
    std::lock_guard lock(inbox_mutex_);
    stop_ = true;
    thread = std::move(thread_);
  }
  inbox_cv_.notify_all();
  if (thread.joinable()) thread.join();
}

void DemotionService::OnResult(const CheckRecord& record) {
  CheckEvent e{record.settings.name, record.status(), record.applicable, Now()};
  {
    std::lock_guard lock(inbox_mutex_);
    if (inbox_.size() >= kInboxLimit) {
      inbox_.erase(inbox_.begin());
      ++dropped_results_;
    }
    inbox_.push_back(std::move(e));
    woken_ = true;
  }
  inbox_cv_.notify_one();
}

void DemotionService::Wake() {
  {
    std::lock_guard lock(inbox_mutex_);
    woken_ = true;
  }
  inbox_cv_.notify_one();
}

Decision DemotionService::EvaluateNow() {
  std::lock_guard lock(eval_mutex_);
  return EvaluateLocked();
}

Decision DemotionService::EvaluateLocked() {
  ControllerSnapshot s;
  {
    std::lock_guard lock(inbox_mutex_);
    s.events.swap(inbox_);
  }
  const RoleSample role = inputs_.role ? inputs_.role() : RoleSample{};
  s.role = role.role;
  s.role_changes = role.changes;
  if (inputs_.peer) s.peer = inputs_.peer();
  s.now = Now();
  Decision d = controller_.Evaluate(s);
  if (!WritesAllowed() && d.desired > 0)
    d.suppressed.insert(Suppression::kDryRun);
  LogLocked(d);
  if (!shut_down_) writer_.Converge(d.desired, RecordLocked(), d.reason);
  PublishLocked(d);
  if (inputs_.published) inputs_.published(d);
  return d;
}

ControllerRecord DemotionService::RecordLocked() const {
  return {controller_.ContributingShares(), controller_.RoleChangesMs()};
}

void DemotionService::LogLocked(const Decision& d) {
  for (const auto& name : d.expired) {
    ++expiries_[name];
    spdlog::warn(
        "demotion: withdrew the share of {}: no fresh result within its "
        "lease (unknown_hold {})",
        name, FormatDuration(params_.unknown_hold));
  }
  const std::string key = DecisionKey(d, KeyFor::kLog);
  if (key == last_logged_key_) return;
  const std::string prefix = WritesAllowed() ? "" : "(dry run) ";
  const auto wall = clock().WallNow();
  // The history an operator reads lists changes of the decision, each
  // once: not an observe-only check coming and going under the same
  // demotion ("failed 8x", then "failed 9x"), nor a change that reads as
  // the one before (the peer's readiness changed under "all weighted
  // checks healthy"). Both are still logged.
  const std::string reason = prefix + d.reason;
  const std::string history_key = DecisionKey(d, KeyFor::kHistory);
  if (history_key != last_history_key_ &&
      (decisions_.empty() || decisions_.back().reason != reason ||
       decisions_.back().desired != d.desired)) {
    decisions_.push_back(
        {FormatUtc(wall), static_cast<double>(d.desired), reason});
    while (decisions_.size() > kDecisionLogSize) decisions_.pop_front();
    last_history_key_ = history_key;
  }
  if (d.desired != last_desired_ || d.suppressed != last_suppressed_) {
    spdlog::warn("demotion: {}{}", prefix, d.reason);
  } else {
    spdlog::info("demotion: {}{}", prefix, d.reason);
  }
  last_logged_key_ = key;
  last_desired_ = d.desired;
  last_suppressed_ = d.suppressed;
}

void DemotionService::PublishLocked(const Decision& d) {
  std::uint64_t dropped = 0;
  {
    std::lock_guard lock(inbox_mutex_);
    dropped = dropped_results_;
  }
  std::lock_guard lock(report_mutex_);
  report_.decision = d;
  report_.writer = writer_.report();
  report_.expiries = expiries_;
  report_.dropped_results = dropped;
  report_.decisions = decisions_;
}

void DemotionService::Shutdown() {
  StopThread();
  std::lock_guard lock(eval_mutex_);
  if (shut_down_) return;
  shut_down_ = true;
  const auto applied = writer_.report().applied;
  if (!WritesAllowed()) return;
  if (config_.keep_on_exit) {
    if (applied && *applied != 0)
      spdlog::info("demotion: leaving contribution {} in place on stop",
                   *applied);
    // The shares stay recorded: the next start restores and re-confirms.
    if (applied) writer_.Converge(*applied, RecordLocked(), "stop");
  } else {
    if (applied && *applied != 0)
      spdlog::info("demotion: withdrawing our contribution {} on stop",
                   *applied);
    // Even at 0: the record must not name a share for the next start.
    writer_.Converge(0, ControllerRecord{}, "clean stop");
  }
  PublishLocked(controller_.last());
}

void DemotionService::Release() {
  StopThread();
  std::lock_guard lock(eval_mutex_);
  shut_down_ = true;
}

int DemotionService::applied() const {
  std::lock_guard lock(report_mutex_);
  return report_.writer.applied.value_or(0);
}

}  // namespace ipv6ha
