#include "exporter/demotion/contribution_writer.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "exporter/text/join.h"

namespace ipv6ha {
namespace {

LoadedState LoadFrom(const DemotionStateStore* store) {
  if (!store) return std::optional<DemotionState>{};
  return store->Load();
}

}  // namespace

ContributionWriter::ContributionWriter(
    std::unique_ptr<DemotionSink> sink,
    std::unique_ptr<DemotionStateStore> store, bool writes_allowed)
    : sink_(std::move(sink)),
      store_(std::move(store)),
      writes_allowed_(writes_allowed) {
  report_.sink = sink_->name();
  if (store_) report_.state_path = store_->path();
}

std::optional<ControllerRecord> ContributionWriter::Start() {
  epoch_ = sink_->Epoch();
  const LoadedState loaded = LoadFrom(store_.get());
  if (!loaded) report_.state_error = loaded.error().message;
  const SinkReconcile r = sink_->Reconcile(loaded);
  report_.applied = r.applied;
  rewrite_ = r.rewrite;
  report_.reconcile_note = r.note;
  if (!r.applied) report_.refused = r.note;
  if (!store_) return std::nullopt;
  if (!loaded) {
    spdlog::error("demotion: {}", r.note);
    return std::nullopt;
  }
  if (!loaded->has_value()) {
    spdlog::info("demotion: {}", r.note);
    return std::nullopt;
  }
  const DemotionState& rec = **loaded;
  recorded_ = rec;
  if (!rec.legacy_down.empty()) {
    report_.reconcile_note +=
        "; the version 1 state file listed down checks (" +
        Join(rec.legacy_down, ", ") +
        ") without saying which contributed: none is restored";
  }
  spdlog::info("demotion: reconciled from {}: {}", store_->path(),
               report_.reconcile_note);
  if (!r.applied) return std::nullopt;
  return ControllerRecord{rec.contributing, rec.role_changes_ms};
}

DemotionState ContributionWriter::Record(
    int applied, const ControllerRecord& record, std::optional<int> pending,
    std::optional<std::int64_t> before) const {
  DemotionState s;
  s.applied = applied;
  s.pending = pending;
  s.before = before;
  s.epoch = epoch_;
  s.sink = sink_->name();
  s.contributing = record.contributing;
  s.role_changes_ms = record.role_changes_ms;
  return s;
}

bool ContributionWriter::Save(const DemotionState& state) {
  if (!store_) return true;
  if (auto st = store_->Save(state); !st) {
    ++report_.state_errors;
    if (report_.state_error != st.error().message) {
      spdlog::error("demotion: cannot record state, not changing the sink: {}",
                    st.error().message);
    }
    report_.state_error = st.error().message;
    return false;
  }
  if (!report_.state_error.empty())
    spdlog::info("demotion: state file writable again");
  report_.state_error.clear();
  recorded_ = state;
  return true;
}

void ContributionWriter::RetryReconcile() {
  const SinkReconcile r = sink_->Reconcile(LoadFrom(store_.get()));
  if (!r.applied) {
    report_.refused = r.note;
    return;
  }
  report_.applied = r.applied;
  report_.refused.clear();
  report_.reconcile_note = r.note;
  rewrite_ = rewrite_ || r.rewrite;
  spdlog::info("demotion: reconciled: {}", r.note);
}

bool ContributionWriter::Change(int target, const ControllerRecord& record,
                                const std::string& reason) {
  const int from = *report_.applied;
  bool intent_failed = false;
  const Status st =
      sink_->Change(from, target, [&](std::optional<std::int64_t> before) {
        // Intent first: after a crash from here on, the file names the change.
        if (Save(Record(from, record, target, before))) return OkStatus();
        intent_failed = true;
        return Status(Error{report_.state_error});
      });
  if (!st) {
    if (intent_failed) return false;  // the sink was not touched
    ++report_.sink_errors;
    if (report_.sink_error != st.error().message) {
      spdlog::error("demotion: {} sink failed: {}", sink_->name(),
                    st.error().message);
    }
    report_.sink_error = st.error().message;
    return true;  // the record still names the change; Converge records `from`
  }
  if (!report_.sink_error.empty())
    spdlog::info("demotion: {} sink works again", sink_->name());
  report_.sink_error.clear();
  rewrite_ = false;
  report_.applied = target;
  if (target > from) ++report_.changes_up;
  if (target < from) ++report_.changes_down;
  if (target != from) {
    spdlog::warn("demotion: applied {} (was {}) via {}: {}", target, from,
                 sink_->name(), reason);
  }
  return true;
}

void ContributionWriter::Converge(int target, const ControllerRecord& record,
                                  const std::string& reason) {
  if (!writes_allowed_) return;
  if (!report_.applied) RetryReconcile();
  if (!report_.applied) return;
  target = std::max(target, 0);
  if ((target != *report_.applied || rewrite_) &&
      !Change(target, record, reason)) {
    return;  // the state file is not writable: retried next time
  }
  // Commit (or record new shares): the file names no change in flight.
  const DemotionState wanted = Record(*report_.applied, record);
  if (!recorded_ || *recorded_ != wanted) Save(wanted);
}

}  // namespace ipv6ha
