#pragma once

// A small world for DemotionService tests: a fake additive counter, a
// state file in a temporary directory, a settable role (with its change
// count) and peer, a fake clock, and check results published like the
// ResultStore does. The service runs without its thread: Publish() and
// Evaluate() evaluate on the test's thread.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>

#include "exporter/demotion/demotion_service.h"
#include "exporter/demotion/track_file_sink.h"
#include "tests/support/fake_demotion_counters.h"
#include "tests/support/manual_clock.h"
#include "tests/support/peer_document.h"

namespace ipv6ha::testing {

class DemotionWorld {
 public:
  DemotionWorld() {
    static int n = 0;
    // tmpfs when there is one: the state file is fsynced on every change.
    const std::filesystem::path base =
        std::filesystem::is_directory("/dev/shm")
            ? std::filesystem::path("/dev/shm")
            : std::filesystem::temp_directory_path();
    dir_ = base / ("demotion_world." + std::to_string(::getpid()) + "." +
                   std::to_string(n++));
    std::filesystem::create_directories(dir_);
    config.sink = "carp_sysctl";
    config.state_file = (dir_ / "state.json").string();
    config.fall = 3;
    config.rise = 2;
    config.hold_down = std::chrono::seconds(10);
    config.unknown_hold = std::chrono::minutes(5);
    config.max = 240;
    settings = {Settings("nptv6_rules", Scope::kLocal, 50),
                Settings("prefix_freshness", Scope::kLocal, 100),
                Settings("ipv6_connectivity", Scope::kUpstream, 100)};
    SetPeerReady(true);
  }
  ~DemotionWorld() { std::filesystem::remove_all(dir_); }

  static CheckSettings Settings(std::string name, Scope scope, int weight) {
    CheckSettings s;
    s.name = name;
    s.type = name;
    s.scope = scope;
    s.weight = weight;
    s.interval = std::chrono::seconds(1);
    s.timeout = std::chrono::seconds(1);
    return s;
  }

  std::unique_ptr<DemotionService> Make() {
    return Make(std::make_unique<AdditiveSink>(
        "carp_sysctl", std::make_unique<MemoryDemotionCounter>(counter)));
  }
  std::unique_ptr<DemotionService> Make(std::unique_ptr<DemotionSink> sink) {
    auto store = std::make_unique<DemotionStateStore>(config.state_file);
    DemotionInputs inputs;
    inputs.role = [this] { return role; };
    inputs.peer = [this] { return peer; };
    inputs.clock = &clock;
    inputs.published = [this](const Decision& d) {
      if (published) published(d);
    };
    return std::make_unique<DemotionService>(
        config, ControllerParams::From(config, "fw2"), std::move(sink),
        std::move(store), settings, std::move(inputs));
  }

  std::unique_ptr<DemotionService> Started() {
    auto s = Make();
    s->Start();
    return s;
  }

  void SetRole(Role r) {
    if (r != Role::kUnknown && last_known_ != Role::kUnknown &&
        r != last_known_) {
      ++role.changes;
    }
    if (r != Role::kUnknown) last_known_ = r;
    role.role = r;
  }

  void SetPeerReady(bool ready) {
    PeerSnapshot p;
    p.reachable = ready;
    p.api_ok = ready;
    p.fetched_at =
        std::chrono::steady_clock::now() + std::chrono::hours(24 * 365 * 50);
    p.status = testing::PeerDocument({{"role", "backup"},
                                      {"ready", true},
                                      {"checks",
                                       {{{"name", "ipv6_connectivity"},
                                         {"status", "ok"},
                                         {"scope", "upstream"}}}}});
    peer = p;
  }

  // A peer that answers and says it is ready but is no better than a node
  // with a local fault: its own upstream check fails, or every weighted
  // check of its own is unknown.
  void SetPeerWorse(bool all_unknown) {
    SetPeerReady(true);
    const char* upstream = all_unknown ? "unknown" : "fail";
    peer->status =
        testing::PeerDocument({{"role", "backup"},
                               {"ready", true},
                               {"checks",
                                {{{"name", "prefix_freshness"},
                                  {"status", all_unknown ? "unknown" : "ok"},
                                  {"scope", "local"},
                                  {"weight", 100}},
                                 {{"name", "ipv6_connectivity"},
                                  {"status", upstream},
                                  {"scope", "upstream"},
                                  {"weight", 100}}}}});
  }

  // Publishes one result (or a "not applicable" mark) and evaluates.
  void Publish(DemotionService& s, std::size_t check, CheckStatus status,
               bool applicable = true) {
    CheckRecord r;
    r.settings = settings.at(check);
    r.result = CheckResult{status, "", nlohmann::json::object(), {}};
    r.applicable = applicable;
    r.runs = ++runs_[check];
    s.OnResult(r);
    s.EvaluateNow();
  }

  std::int64_t counter_value() {
    std::lock_guard lock(counter->mutex);
    return counter->value;
  }
  std::size_t writes() {
    std::lock_guard lock(counter->mutex);
    return counter->deltas.size();
  }
  std::filesystem::path dir() const { return dir_; }

  DemotionConfig config;
  std::vector<CheckSettings> settings;
  std::shared_ptr<MemoryDemotionCounter::State> counter =
      std::make_shared<MemoryDemotionCounter::State>();
  RoleSample role{Role::kMaster, 0};
  std::optional<PeerSnapshot> peer;
  std::function<void(const Decision&)> published;  // DemotionInputs::published
  // The service's clock: time moves only by Advance().
  ManualClock clock;
  void Advance(ControllerTime::duration d) { clock.Advance(d); }
  ControllerTime now() const { return clock.SteadyNow(); }

 private:
  Role last_known_ = Role::kMaster;
  std::filesystem::path dir_;
  std::uint64_t runs_[8] = {};
};

// Three failures of `check`: down with fall 3.
inline void FailThrice(DemotionWorld& w, DemotionService& s,
                       std::size_t check) {
  for (int i = 0; i < 3; ++i) w.Publish(s, check, CheckStatus::kFail);
}

inline DemotionState Recorded(const DemotionWorld& w) {
  auto state = DemotionStateStore(w.config.state_file).Load();
  EXPECT_TRUE(state.ok() && state->has_value());
  return state.ok() && state->has_value() ? **state : DemotionState{};
}

inline std::vector<std::string> Names(
    const std::vector<RecordedShare>& shares) {
  std::vector<std::string> out;
  for (const auto& s : shares) out.push_back(s.name);
  return out;
}

inline std::unique_ptr<DemotionSink> TrackFileSinkAt(const std::string& path) {
  return std::make_unique<AbsoluteSink>("keepalived_track_file",
                                        std::make_unique<TrackFileSink>(path));
}

// A process that demotes on `check` and then dies without Shutdown() (kill
// -9 as far as the sink and the state file are concerned).
inline void CrashAfterDemoting(DemotionWorld& w, std::size_t check) {
  auto s = w.Started();
  FailThrice(w, *s, check);
}

}  // namespace ipv6ha::testing
