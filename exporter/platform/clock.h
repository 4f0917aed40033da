#pragma once

// The one way code outside exporter/platform/ reads the time: a Clock is
// passed in (by reference, it outlives its users), so tests drive time with
// tests/support/manual_clock.h instead of sleeping.
//  - WallNow(): calendar time (timestamps in metrics, the status document,
//    decision logs); it may jump when the system time is set.
//  - SteadyNow(): monotonic time for intervals, deadlines, leases and ages.
// Implementations are thread safe.

#include <chrono>

namespace ipv6ha {

using WallClockTime = std::chrono::system_clock::time_point;
using SteadyClockTime = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual WallClockTime WallNow() const = 0;
  virtual SteadyClockTime SteadyNow() const = 0;
};

// The system's clocks (std::chrono::system_clock and steady_clock). The
// returned object lives for the whole process.
const Clock& SystemClock();

}  // namespace ipv6ha
