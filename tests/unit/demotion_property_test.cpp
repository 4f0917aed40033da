// Property tests: long random sequences of results (fail, ok, unknown, not
// applicable), role flips, peer states, sink failures, other contributors
// on the counter, crashes (the service dropped without Shutdown and a new
// one started from the same state file and counter), clean stops and clock
// jumps, on a fake clock. A model kept by the test from the events it made
// says which shares the evidence lease allows; after every step:
//  - 0 <= contribution <= max; the counter holds exactly the other
//    contributors' part plus ours; ours is the sum of the deltas we wrote;
//  - every contributing check has a failure whose lease (renewed by each
//    result, cut short by `unknown_hold` once it turned unknown) has not
//    run out, and the contribution is at most the sum of those weights;
//  - a check unknown (or not applicable) for longer than unknown_hold
//    contributes nothing;
//  - a crash and restart at the same instant never changes the applied
//    value; a clean stop ends at 0 with nothing recorded as contributing;
//  - nothing is written in dry run; the flap guard never raises;
//  - on MASTER no local check counts while the peer is ready but worse
//    (a weighted check of its own fails, upstream included, or all of
//    them are unknown).

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "tests/unit/demotion_test_world.h"

namespace ipv6ha {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::DemotionWorld;

struct Scenario {
  unsigned seed;
  bool dry_run;
  bool keep_on_exit;
  UpstreamFailover policy;
};

// What the spec allows each check, from the events alone.
class LeaseModel {
 public:
  LeaseModel(milliseconds run, milliseconds hold) : run_(run), hold_(hold) {}

  void Result(const std::string& name, CheckStatus s, bool applicable,
              ControllerTime t) {
    Check& c = checks_[name];
    if (!applicable || s == CheckStatus::kUnknown) {
      if (!c.unknown_run) c.unknown_since = t;
      c.unknown_run = true;
      c.restart_grace = false;
      c.deadline = std::min(c.deadline, c.unknown_since + hold_);
      return;
    }
    c.unknown_run = c.restart_grace = false;
    c.deadline = t + run_ + hold_;
    if (s == CheckStatus::kFail) c.failed = true;
  }
  // A restart holds a restored share as if unknown since the restart, or
  // since it was unknown already.
  void Restored(const std::string& name, ControllerTime t) {
    Check& c = checks_[name];
    if (c.unknown_run) return;
    c.unknown_run = c.restart_grace = true;
    c.unknown_since = t;
    c.deadline = t + run_ + hold_;
  }
  bool Allows(const std::string& name, ControllerTime now) const {
    auto it = checks_.find(name);
    return it != checks_.end() && it->second.failed &&
           now < it->second.deadline;
  }
  std::string Describe(const std::string& name, ControllerTime now) const {
    auto it = checks_.find(name);
    if (it == checks_.end()) return "no events";
    const auto& c = it->second;
    auto secs = [&](ControllerTime t) {
      return std::to_string(std::chrono::duration<double>(t - now).count());
    };
    return std::string("model: failed ") + (c.failed ? "yes" : "no") +
           ", unknown run " + (c.unknown_run ? "yes" : "no") +
           ", unknown since " + secs(c.unknown_since) + "s, deadline " +
           secs(c.deadline) + "s (relative to now)";
  }
  bool UnknownPastHold(const std::string& name, ControllerTime now) const {
    auto it = checks_.find(name);
    if (it == checks_.end() || !it->second.unknown_run) return false;
    // A share restored with fresh evidence gets one run to report first.
    const auto grace = it->second.restart_grace ? run_ : milliseconds(0);
    return now >= it->second.unknown_since + grace + hold_;
  }

 private:
  struct Check {
    bool failed = false;
    bool unknown_run = false;
    bool restart_grace = false;
    ControllerTime unknown_since{};
    ControllerTime deadline{};
  };
  milliseconds run_, hold_;
  std::map<std::string, Check> checks_;
};

class DemotionProperties : public ::testing::TestWithParam<Scenario> {
 protected:
  void SetUp() override {
    const Scenario sc = GetParam();
    rng_.seed(sc.seed);
    w_.config.max = 120;
    w_.config.dry_run = sc.dry_run;
    w_.config.keep_on_exit = sc.keep_on_exit;
    w_.config.upstream_failover = sc.policy;
    w_.config.unknown_hold = seconds(20);
    w_.config.flap_changes = 3;
    w_.config.flap_window = seconds(60);
    service_ = w_.Make();
    service_->Start();
  }
  int Pick(int n) {
    return static_cast<int>(rng_() % static_cast<unsigned>(n));
  }

  void Publish(std::size_t check, CheckStatus st, bool applicable) {
    model_.Result(w_.settings.at(check).name, st, applicable, w_.now());
    w_.Publish(*service_, check, st, applicable);
  }
  void RandomResult() {
    // Now and then one check is stuck unknown for a long stretch.
    const int s = Pick(12);
    const auto check = static_cast<std::size_t>(Pick(3));
    if (check == stuck_ && s < 9)
      return Publish(check, CheckStatus::kUnknown, s < 5);
    Publish(check,
            s < 4   ? CheckStatus::kFail
            : s < 8 ? CheckStatus::kOk
                    : CheckStatus::kUnknown,
            s != 11);
  }
  void SetPeer() {
    const int p = Pick(6);
    peer_worse_ = p >= 4;
    if (p == 0) {
      w_.peer.reset();
    } else if (peer_worse_) {
      w_.SetPeerWorse(/*all_unknown=*/p == 5);
    } else {
      w_.SetPeerReady(p != 1);
    }
  }
  // Never fail over to a worse peer: on MASTER, with the rules in force
  // (no flap guard, role known), no local check counts while the peer is
  // ready but fails a weighted check of its own or knows nothing.
  void CheckNoFailoverToWorsePeer(const nlohmann::json& status, int step) {
    if (!peer_worse_ || status["role"] != "master" ||
        status["flap_guard"]["engaged"].get<bool>()) {
      return;
    }
    for (const auto& c : status["checks"]) {
      if (c["scope"] != "local" || !c["contributing"].get<bool>()) continue;
      ADD_FAILURE() << "step " << step << ": " << c["name"]
                    << " counts on MASTER with a worse peer: "
                    << status["reason"];
    }
    if (status["suppressed"].dump().find("peer_not_ready") !=
        std::string::npos) {
      ++worse_peer_holds_;
    }
  }
  void ForeignContributor() {
    const std::int64_t amount = Pick(2) ? 240 : (1 << 20);
    const std::int64_t delta =
        (foreign_ >= amount && Pick(2)) ? -amount : amount;
    std::lock_guard lock(w_.counter->mutex);
    w_.counter->value += delta;
    foreign_ += delta;
  }
  // A crash (kill -9) or a clean stop, then a new process at this instant.
  void Restart(bool crash, int step) {
    const auto before = service_->Status();
    const bool converged =
        !w_.counter->fail_writes && before["applied"] == before["desired"];
    if (!crash) {
      if (Pick(2)) w_.counter->fail_writes = false;
      service_->Shutdown();
      if (!GetParam().keep_on_exit) CheckCleanStop(step);
    }
    service_.reset();
    const bool sink_worked = !w_.counter->fail_writes;
    w_.counter->fail_writes = false;
    service_ = w_.Make();
    service_->Start();
    const auto after = service_->Status();
    if (crash || GetParam().keep_on_exit) {
      for (const auto& c : before["checks"]) {
        if (c["contributing"].get<bool>()) Restored(c["name"]);
      }
      if (converged) {
        ASSERT_EQ(after["applied"], before["applied"])
            << "step " << step << ": a restart alone changed the applied "
            << "value\nbefore: " << before.dump()
            << "\nafter: " << after.dump();
      }
    } else if (!sink_worked && !GetParam().dry_run) {
      ASSERT_EQ(after["applied"], 0) << "step " << step << ": " << after.dump();
    }
    ++restarts_;
  }
  void Restored(const std::string& name) { model_.Restored(name, w_.now()); }
  void CheckCleanStop(int step) {
    auto state = DemotionStateStore(w_.config.state_file).Load();
    ASSERT_TRUE(state.ok()) << state.error().message;
    if (GetParam().dry_run || !state->has_value()) return;
    EXPECT_TRUE((*state)->contributing.empty()) << "step " << step;
    EXPECT_FALSE((*state)->pending.has_value()) << "step " << step;
    if (!w_.counter->fail_writes) {
      ASSERT_EQ((*state)->applied, 0) << "step " << step;
      ASSERT_EQ(w_.counter_value(), foreign_) << "step " << step;
    }
  }
  void CheckInvariants(int step, bool evaluated) {
    const auto status = service_->Status();
    const int desired = status["desired"];
    const int applied =
        status["applied"].is_null() ? -1 : status["applied"].get<int>();
    std::int64_t ours = 0;
    {
      std::lock_guard lock(w_.counter->mutex);
      for (auto d : w_.counter->deltas) ours += d;
      ASSERT_EQ(w_.counter->value, foreign_ + ours) << "step " << step;
    }
    ASSERT_GE(applied, 0) << "step " << step;
    ASSERT_LE(applied, w_.config.max) << "step " << step;
    ASSERT_LE(desired, w_.config.max) << "step " << step;
    ASSERT_EQ(ours, applied) << "step " << step << ": " << status.dump();
    if (GetParam().dry_run) {
      ASSERT_EQ(w_.writes(), 0u) << "step " << step;
    }
    int backed = 0;
    // The decision shown is that of the last evaluation.
    if (evaluated) evaluated_at_ = w_.now();
    const ControllerTime now = evaluated_at_;
    for (const auto& c : status["checks"]) {
      const std::string name = c["name"];
      if (model_.Allows(name, now)) backed += c["weight"].get<int>();
      if (!c["contributing"].get<bool>()) continue;
      ASSERT_TRUE(model_.Allows(name, now))
          << "step " << step << ": " << name << " contributes without a "
          << "failure within its lease (" << model_.Describe(name, now)
          << "): " << status.dump();
      ASSERT_FALSE(model_.UnknownPastHold(name, now))
          << "step " << step << ": " << name << " kept past unknown_hold";
      ++contributions_;
    }
    ASSERT_LE(desired, backed) << "step " << step << ": " << status.dump();
    if (status["flap_guard"]["engaged"].get<bool>()) {
      ASSERT_LE(desired, prev_desired_)
          << "step " << step << ": " << status["reason"];
      ++flap_holds_;
    }
    if (!GetParam().dry_run && evaluated && !w_.counter->fail_writes) {
      ASSERT_EQ(applied, desired) << "step " << step << ": " << status.dump();
    }
    if (desired > 0) ++demotions_;
    prev_desired_ = desired;
    if (evaluated) CheckNoFailoverToWorsePeer(status, step);
  }

  DemotionWorld w_;
  std::mt19937 rng_;
  LeaseModel model_{seconds(2), seconds(20)};  // run = interval + timeout
  std::unique_ptr<DemotionService> service_;
  std::int64_t foreign_ = 0;
  std::size_t stuck_ = 99;
  ControllerTime evaluated_at_{};
  int prev_desired_ = 0, flap_holds_ = 0, demotions_ = 0, restarts_ = 0;
  int contributions_ = 0;
  bool peer_worse_ = false;
  int worse_peer_holds_ = 0;
};

TEST_P(DemotionProperties, InvariantsHoldOverRandomSequences) {
  for (int step = 0; step < 4000; ++step) {
    const int jump = Pick(400);
    w_.Advance(jump == 0  ? std::chrono::hours(3)   // suspend, long outage
               : jump < 4 ? seconds(25 + Pick(60))  // past unknown_hold
                          : milliseconds(Pick(4000)));
    if (step % 500 == 0) stuck_ = static_cast<std::size_t>(Pick(4));  // 3: none
    const int event = Pick(100);
    bool evaluated = true;
    if (event < 55) {
      RandomResult();
    } else if (event < 65) {
      const Role roles[] = {Role::kMaster, Role::kBackup, Role::kUnknown};
      w_.SetRole(roles[Pick(3)]);
      service_->EvaluateNow();
    } else if (event < 73) {
      SetPeer();
      service_->EvaluateNow();
    } else if (event < 78) {
      ForeignContributor();  // no evaluation: checked as is
      evaluated = false;
    } else if (event < 81) {
      w_.counter->fail_writes = !w_.counter->fail_writes;
      evaluated = false;
    } else if (event < 85) {
      service_->EvaluateNow();  // the evaluation a crash interrupts
      ASSERT_NO_FATAL_FAILURE(Restart(/*crash=*/Pick(3) != 0, step));
    } else {
      service_->EvaluateNow();
    }
    ASSERT_NO_FATAL_FAILURE(CheckInvariants(step, evaluated));
  }
  EXPECT_GT(flap_holds_, 0) << "the sequence should exercise the flap guard";
  EXPECT_GT(demotions_, 0) << "the sequence should demote at some point";
  EXPECT_GT(restarts_, 50);
  EXPECT_GT(contributions_, 100);
  EXPECT_GT(worse_peer_holds_, 0)
      << "the sequence should hold back a failover to a worse peer";
}

constexpr auto kConfirmed = UpstreamFailover::kPeerConfirmed;
INSTANTIATE_TEST_SUITE_P(
    Seeds, DemotionProperties,
    ::testing::Values(Scenario{1, false, false, kConfirmed},
                      Scenario{2, false, false, UpstreamFailover::kAlways},
                      Scenario{3, false, false, UpstreamFailover::kNever},
                      Scenario{4, true, false, kConfirmed},
                      Scenario{5, true, false, UpstreamFailover::kAlways},
                      Scenario{6, false, true, kConfirmed},
                      Scenario{7, false, false, kConfirmed},
                      Scenario{8, false, false, UpstreamFailover::kAlways}));

}  // namespace
}  // namespace ipv6ha
