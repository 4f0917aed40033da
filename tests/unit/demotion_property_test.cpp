// Property tests: random sequences of results, role changes, peer states,
// sink failures, crashes and clean restarts, on a fake clock. After every
// step: 0 <= contribution <= max, the counter holds exactly the other
// contributors' part plus ours, our part is the sum of the deltas we wrote,
// nothing is written in dry run, and the flap guard holds.

#include <gtest/gtest.h>

#include <random>

#include "tests/unit/demotion_test_world.h"

namespace ipv6ha {
namespace {

using testing::DemotionWorld;

struct Scenario {
  unsigned seed;
  bool dry_run;
  UpstreamFailover policy;
};

class DemotionProperties : public ::testing::TestWithParam<Scenario> {};

TEST_P(DemotionProperties, InvariantsHoldOverRandomSequences) {
  const Scenario sc = GetParam();
  std::mt19937 rng(sc.seed);
  auto pick = [&](int n) {
    return static_cast<int>(rng() % static_cast<unsigned>(n));
  };
  DemotionWorld w;
  w.config.max = 120;
  w.config.dry_run = sc.dry_run;
  w.config.upstream_failover = sc.policy;
  w.config.flap_changes = 3;
  w.config.flap_window = std::chrono::seconds(60);
  std::int64_t foreign = 0;
  ControllerTime now = ControllerClock::now();
  auto service = w.Make();
  service->Start(now);
  int prev_desired = service->Status()["desired"];
  int flap_holds = 0, demotions = 0;

  auto publish = [&](std::size_t check, CheckStatus st) {
    CheckRecord r;
    r.settings = w.settings.at(check);
    r.result = CheckResult{st, "", nlohmann::json::object(), {}};
    static std::uint64_t runs[3] = {};
    r.runs = ++runs[check];
    service->OnResultAt(r, now);
  };

  for (int step = 0; step < 3000; ++step) {
    now += std::chrono::milliseconds(pick(4000));
    const int event = pick(100);
    // Steps that change the counter or its fault injection do not evaluate.
    const bool evaluates = event < 73 || event >= 81;
    if (event < 55) {
      const int s = pick(10);
      publish(static_cast<std::size_t>(pick(3)), s < 4 ? CheckStatus::kFail
                                                 : s < 8
                                                     ? CheckStatus::kOk
                                                     : CheckStatus::kUnknown);
    } else if (event < 65) {
      const Role roles[] = {Role::kMaster, Role::kBackup, Role::kUnknown};
      w.role = roles[pick(3)];
      service->Evaluate(now);
    } else if (event < 73) {
      w.SetPeerReady(pick(3) != 0);
      service->Evaluate(now);
    } else if (event < 78) {
      // Another contributor (kernel 240, OPNsense 2^20) changes the counter.
      const std::int64_t amount = pick(2) ? 240 : (1 << 20);
      const std::int64_t delta =
          (foreign >= amount && pick(2)) ? -amount : amount;
      std::lock_guard lock(w.counter->mutex);
      w.counter->value += delta;
      foreign += delta;
    } else if (event < 81) {
      w.counter->fail_writes = !w.counter->fail_writes;
    } else if (event < 84) {
      // Crash (no Shutdown) or clean stop, then a new process.
      if (pick(2)) service->Shutdown();
      service.reset();
      w.counter->fail_writes = false;
      service = w.Make();
      service->Start(now);
      prev_desired = service->Status()["desired"];
    } else {
      service->Evaluate(now);
    }
    const auto status = service->Status();
    const int applied = status["applied"];
    const int desired = status["desired"];
    std::int64_t ours = 0;
    {
      std::lock_guard lock(w.counter->mutex);
      for (auto d : w.counter->deltas) ours += d;
      ASSERT_EQ(w.counter->value, foreign + ours) << "step " << step;
    }
    ASSERT_GE(applied, 0) << "step " << step;
    ASSERT_LE(applied, w.config.max) << "step " << step;
    ASSERT_LE(desired, w.config.max) << "step " << step;
    ASSERT_EQ(ours, applied) << "step " << step << ": " << status.dump();
    if (sc.dry_run) {
      ASSERT_EQ(w.writes(), 0u) << "step " << step;
    }
    if (status["flap_guard"]["engaged"].get<bool>()) {
      ASSERT_EQ(desired, prev_desired)
          << "step " << step << ": " << status["reason"];
      ++flap_holds;
    }
    if (!sc.dry_run && evaluates && !w.counter->fail_writes) {
      // When the sink works, applied follows desired at once.
      ASSERT_EQ(applied, desired) << "step " << step << ": " << status.dump();
    }
    if (desired > 0) ++demotions;
    prev_desired = desired;
  }
  EXPECT_GT(flap_holds, 0) << "the sequence should exercise the flap guard";
  EXPECT_GT(demotions, 0) << "the sequence should demote at some point";
}

INSTANTIATE_TEST_SUITE_P(
    Seeds, DemotionProperties,
    ::testing::Values(Scenario{1, false, UpstreamFailover::kPeerConfirmed},
                      Scenario{2, false, UpstreamFailover::kAlways},
                      Scenario{3, false, UpstreamFailover::kNever},
                      Scenario{4, true, UpstreamFailover::kPeerConfirmed},
                      Scenario{5, true, UpstreamFailover::kAlways}));

}  // namespace
}  // namespace ipv6ha
