#pragma once

// A Clock that moves only when the test says so: Advance() moves both the
// wall and the steady time by the same amount; SetWall() sets the calendar
// time alone (a system time change). Thread safe, so a service thread may
// read it while the test advances it.

#include <mutex>

#include "exporter/platform/clock.h"

namespace ipv6ha::testing {

class ManualClock final : public Clock {
 public:
  // Starts at 2026-12-01T12:00:00Z wall time and far from the steady
  // epoch, so "now minus an hour" stays a valid time point.
  ManualClock()
      : wall_(std::chrono::sys_days{std::chrono::year{2026} /
                                    std::chrono::December / 1} +
              std::chrono::hours(12)),
        steady_(SteadyClockTime{} + std::chrono::hours(1000)) {}

  WallClockTime WallNow() const override {
    std::lock_guard lock(mutex_);
    return wall_;
  }
  SteadyClockTime SteadyNow() const override {
    std::lock_guard lock(mutex_);
    return steady_;
  }

  void Advance(std::chrono::nanoseconds d) {
    std::lock_guard lock(mutex_);
    wall_ += std::chrono::duration_cast<WallClockTime::duration>(d);
    steady_ += d;
  }
  void SetWall(WallClockTime t) {
    std::lock_guard lock(mutex_);
    wall_ = t;
  }

 private:
  mutable std::mutex mutex_;
  WallClockTime wall_;
  SteadyClockTime steady_;
};

}  // namespace ipv6ha::testing
