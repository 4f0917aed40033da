#include "exporter/demotion/demotion_sink.h"

#include <algorithm>

#include "exporter/demotion/demotion_config.h"

namespace ipv6ha {
namespace {

// The part of an additive counter below OPNsense's 2^20 flag: the kernel's
// (240 per interface down, pfsync) and ours.
std::int64_t BelowServiceFlag(std::int64_t v) {
  const std::int64_t flag = kMaxContributionLimit;
  return ((v % flag) + flag) % flag;
}

int ClampContribution(std::int64_t v) {
  return static_cast<int>(
      std::clamp<std::int64_t>(v, 0, kMaxContributionLimit - 1));
}

}  // namespace

AdditiveSink::AdditiveSink(std::string name,
                           std::unique_ptr<DemotionCounter> counter)
    : DemotionSink(std::move(name)), counter_(std::move(counter)) {}

SinkReconcile AdditiveSink::Reconcile(const LoadedState& recorded) {
  SinkReconcile out;
  if (recorded.ok()) {
    if (!recorded->has_value()) {
      out.applied = 0;
      out.note = "no state file yet: no contribution of ours recorded";
      return out;
    }
    const auto r =
        ReconcileAdditive(**recorded, counter_->Epoch(), counter_->Read());
    out.applied = r.applied;
    out.note = r.note;
    return out;
  }
  // Without the record our part of a shared counter can only be known when
  // nothing at all sits below the 2^20 flag (our max is below it).
  const std::string why =
      "state file unusable (" + recorded.error().message + ")";
  const auto total = counter_->Read();
  if (!total) {
    out.note = why + " and " + name() + " cannot be read (" +
               total.error().message +
               "): not touching it until one of them can be read";
    return out;
  }
  if (BelowServiceFlag(*total) == 0) {
    out.applied = 0;
    out.note = why + "; " + name() + " is " + std::to_string(*total) +
               ", which holds no contribution of ours";
    return out;
  }
  out.note = why + " and " + name() + " is " + std::to_string(*total) +
             ": our part cannot be told from the kernel's, so the counter is "
             "not touched; check it with `sysctl net.inet.carp.demotion` and "
             "remove the state file to start from no contribution (retried "
             "on every evaluation)";
  return out;
}

Status AdditiveSink::Change(int from, int to, const IntentRecorder& intent) {
  std::optional<std::int64_t> before;
  if (auto v = counter_->Read()) before = *v;
  if (auto st = intent(before); !st) return st;
  const std::int64_t delta = static_cast<std::int64_t>(to) - from;
  if (delta == 0) return OkStatus();
  return counter_->Add(delta);
}

std::string AdditiveSink::Epoch() {
  auto e = counter_->Epoch();
  return e ? *e : std::string();
}

AbsoluteSink::AbsoluteSink(std::string name,
                           std::unique_ptr<DemotionValue> value)
    : DemotionSink(std::move(name)), value_(std::move(value)) {}

SinkReconcile AbsoluteSink::Reconcile(const LoadedState& recorded) {
  // Ours alone: whatever it holds, the computed value is written at start.
  SinkReconcile out;
  out.rewrite = true;
  const auto held = value_->ReadBack();
  const std::string holding =
      held ? " (holding " + std::to_string(*held) + ")" : "";
  if (!recorded.ok()) {
    out.applied = held ? ClampContribution(*held) : 0;
    out.note = "state file unusable (" + recorded.error().message + "); " +
               name() + holding + " is rewritten to the computed contribution";
  } else if (!recorded->has_value()) {
    out.applied = held ? ClampContribution(*held) : 0;
    out.note = "no state file yet; " + name() + holding +
               " is written with the computed contribution";
  } else {
    const DemotionState& r = **recorded;
    out.applied =
        held ? ClampContribution(*held) : r.pending.value_or(r.applied);
    out.note = "recorded contribution " + std::to_string(r.applied) + "; " +
               name() + holding + " is rewritten to the computed contribution";
  }
  return out;
}

Status AbsoluteSink::Change(int from, int to, const IntentRecorder& intent) {
  if (auto st = intent(std::nullopt); !st) return st;
  return value_->Write(to, from);
}

}  // namespace ipv6ha
