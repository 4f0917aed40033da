#include "exporter/platform/clock.h"

namespace ipv6ha {
namespace {

class RealClock final : public Clock {
 public:
  WallClockTime WallNow() const override {
    return std::chrono::system_clock::now();
  }
  SteadyClockTime SteadyNow() const override {
    return std::chrono::steady_clock::now();
  }
};

}  // namespace

const Clock& SystemClock() {
  static const RealClock clock;
  return clock;
}

}  // namespace ipv6ha
