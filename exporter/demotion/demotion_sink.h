#pragma once

// Where our demotion contribution goes. A sink changes our contribution
// from one value to another and can (mostly) read back what it holds.
// Additive sinks (net.inet.carp.demotion) hold a total shared with other
// contributors, so they get only the delta `to - from` and report the
// counter's epoch (boot) for crash reconciliation; absolute sinks (the
// keepalived track file) hold exactly our value.
// Not thread safe: the DemotionService serialises calls.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "exporter/platform/expected.h"

namespace ipv6ha {

class DemotionSink {
 public:
  DemotionSink() = default;
  DemotionSink(const DemotionSink&) = delete;
  DemotionSink& operator=(const DemotionSink&) = delete;
  virtual ~DemotionSink() = default;

  // Moves our contribution from `from` to `to` (both >= 0).
  virtual Status Apply(int from, int to) = 0;
  // The value the sink holds now (the shared total for additive sinks).
  virtual Expected<std::int64_t> ReadBack() = 0;

  virtual std::string_view Name() const = 0;
  virtual bool Additive() const { return false; }
  // Additive sinks: identifies the counter's life; a change means it was
  // reset (reboot) and nothing recorded is in it any more.
  virtual Expected<std::string> Epoch() { return std::string(); }
};

// A shared additive counter: net.inet.carp.demotion or a test double.
class DemotionCounter {
 public:
  virtual ~DemotionCounter() = default;
  virtual Expected<std::int64_t> Read() = 0;
  virtual Status Add(std::int64_t delta) = 0;
  virtual Expected<std::string> Epoch() = 0;
};

// Sink `none`: accepts everything, writes nothing.
class NoneSink : public DemotionSink {
 public:
  Status Apply(int, int to) override {
    value_ = to;
    return OkStatus();
  }
  Expected<std::int64_t> ReadBack() override { return std::int64_t{value_}; }
  std::string_view Name() const override { return "none"; }

 private:
  int value_ = 0;
};

}  // namespace ipv6ha
