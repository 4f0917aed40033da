#pragma once

// Where our demotion contribution goes. There are two kinds of sink, and
// which one is chosen when the sink is built; the ContributionWriter never
// asks which kind it has:
//  - an additive counter shared with other contributors
//    (net.inet.carp.demotion): only deltas are written, and after a crash
//    the counter must be reconciled from the state file (AdditiveSink);
//  - an absolute value that is ours alone (the keepalived track file, the
//    `command` sink, `none`): it is simply rewritten (AbsoluteSink).
// Both implement DemotionSink: Reconcile() at start, Change() afterwards.
// Not thread safe: one ContributionWriter owns a sink and calls it from one
// thread at a time.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "exporter/base/expected.h"
#include "exporter/demotion/demotion_state_store.h"

namespace ipv6ha {

// A shared additive counter: net.inet.carp.demotion or a test double.
class DemotionCounter {
 public:
  virtual ~DemotionCounter() = default;
  virtual Expected<std::int64_t> Read() = 0;
  virtual Status Add(std::int64_t delta) = 0;
  // Identifies the counter's life; a change means it was reset (reboot).
  virtual Expected<std::string> Epoch() = 0;
};

// A value that is ours alone: the track file, the sink command, nothing.
class DemotionValue {
 public:
  virtual ~DemotionValue() = default;
  // Sets the value to `to`; `from` is what we believe it holds now.
  virtual Status Write(int to, int from) = 0;
  // What it holds now, where that can be read.
  virtual Expected<std::int64_t> ReadBack() {
    return Error{"this sink cannot be read back"};
  }
};

// What a start finds in the sink, given the state file.
struct SinkReconcile {
  std::optional<int> applied;  // ours in the sink now; nullopt = cannot tell
  bool rewrite = false;        // write the computed value even if equal
  std::string note;            // a sentence for the log and the status API
};

// The state file as loaded: a record, none yet, or why it is unusable.
using LoadedState = Expected<std::optional<DemotionState>>;
// Records the intent of a change durably; `before` is the additive
// counter's total before it. An error means: do not change the sink.
using IntentRecorder = std::function<Status(std::optional<std::int64_t>)>;

class DemotionSink {
 public:
  explicit DemotionSink(std::string name) : name_(std::move(name)) {}
  DemotionSink(const DemotionSink&) = delete;
  DemotionSink& operator=(const DemotionSink&) = delete;
  virtual ~DemotionSink() = default;

  // At start: how much of ours the sink holds.
  virtual SinkReconcile Reconcile(const LoadedState& recorded) = 0;
  // Moves ours from `from` to `to`: records the intent through `intent`
  // (nothing is changed when that fails), then changes the sink.
  virtual Status Change(int from, int to, const IntentRecorder& intent) = 0;
  // The epoch to record ("" for absolute sinks).
  virtual std::string Epoch() = 0;

  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

// The counter kind: deltas only, reconciled against `before` after a crash.
class AdditiveSink : public DemotionSink {
 public:
  AdditiveSink(std::string name, std::unique_ptr<DemotionCounter> counter);
  SinkReconcile Reconcile(const LoadedState& recorded) override;
  Status Change(int from, int to, const IntentRecorder& intent) override;
  std::string Epoch() override;

 private:
  std::unique_ptr<DemotionCounter> counter_;
};

// The value kind: rewritten at start, so it converges whatever was left.
class AbsoluteSink : public DemotionSink {
 public:
  AbsoluteSink(std::string name, std::unique_ptr<DemotionValue> value);
  SinkReconcile Reconcile(const LoadedState& recorded) override;
  Status Change(int from, int to, const IntentRecorder& intent) override;
  std::string Epoch() override { return ""; }

 private:
  std::unique_ptr<DemotionValue> value_;
};

// Sink `none`: accepts everything, writes nothing.
class NoneValue : public DemotionValue {
 public:
  Status Write(int, int) override { return OkStatus(); }
};

}  // namespace ipv6ha
