// Crash safety of the demotion state protocol: a child process runs a
// DemotionService on a file-backed additive counter (standing in for
// net.inet.carp.demotion) and demotes and withdraws as fast as it can; the
// test kills it with SIGKILL at a random moment, while another contributor
// toggles OPNsense's 2^20 flag on the same counter, then "restarts" (a new
// service reconciles from the state file) and checks that our contribution
// is in the counter exactly once. 200 iterations.

#include <gtest/gtest.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <thread>

#include "exporter/demotion/carp_sysctl_sink.h"
#include "exporter/demotion/demotion_service.h"
#include "tests/support/exporter_process.h"
#include "tests/support/fake_demotion_counters.h"
#include "tests/support/peer_document.h"

namespace ipv6ha {
namespace {

using testing::FileDemotionCounter;
using testing::TempDir;

constexpr std::int64_t kFlag = std::int64_t{1} << 20;
constexpr int kWeight = 50;

struct Paths {
  std::string counter;
  std::string state;
};

CheckSettings Settings() {
  CheckSettings s;
  s.name = s.type = "nptv6_rules";
  s.scope = Scope::kLocal;
  s.weight = kWeight;
  return s;
}

std::unique_ptr<DemotionService> MakeService(const Paths& p) {
  DemotionConfig c;
  c.sink = "carp_sysctl";
  c.state_file = p.state;
  c.fall = 1;
  c.rise = 1;
  c.hold_down = std::chrono::milliseconds(0);
  DemotionInputs in;
  in.role = [] { return RoleSample{Role::kMaster, 0}; };
  in.peer = [] {
    PeerSnapshot peer;
    peer.reachable = peer.api_ok = true;
    peer.fetched_at = std::chrono::steady_clock::now() + std::chrono::hours(1);
    peer.status = testing::PeerDocument({{"role", "backup"}, {"ready", true}});
    return std::optional<PeerSnapshot>(peer);
  };
  return std::make_unique<DemotionService>(
      c, ControllerParams::From(c, "fw2"),
      std::make_unique<AdditiveSink>(
          "carp_sysctl", std::make_unique<FileDemotionCounter>(p.counter)),
      std::make_unique<DemotionStateStore>(p.state),
      std::vector<CheckSettings>{Settings()}, in);
}

// The child: reconcile, then demote and withdraw until killed.
[[noreturn]] void RunChild(const Paths& p) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  auto service = MakeService(p);
  service->Start();
  CheckRecord r;
  r.settings = Settings();
  for (;;) {
    for (CheckStatus s : {CheckStatus::kFail, CheckStatus::kOk}) {
      r.result = CheckResult{s, "", nlohmann::json::object(), {}};
      service->OnResult(r);
      service->EvaluateNow();
    }
  }
}

TEST(DemotionCrash, KillNineAtRandomPointsNeverLeaksNorDoublesTheContribution) {
  spdlog::set_level(spdlog::level::off);
  TempDir dir;
  const Paths paths{(dir.path() / "carp_demotion").string(),
                    (dir.path() / "state.json").string()};
  FileDemotionCounter counter(paths.counter);
  std::int64_t foreign = 240;  // the kernel's own, present throughout
  ASSERT_TRUE(counter.Add(foreign).ok());
  std::mt19937 rng(20261127);
  int found_pending = 0, found_applied = 0;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) RunChild(paths);
    const auto run_for = std::chrono::microseconds(3000 + rng() % 25000);
    // OPNsense's carp_service_status sets or clears its flag meanwhile.
    std::this_thread::sleep_for(run_for / 2);
    if (rng() % 3 == 0) {
      const std::int64_t delta = foreign >= kFlag ? -kFlag : kFlag;
      ASSERT_TRUE(counter.Add(delta).ok());
      foreign += delta;
    }
    std::this_thread::sleep_for(run_for / 2);
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "iteration " << i;

    auto before = DemotionStateStore(paths.state).Load();
    ASSERT_TRUE(before.ok()) << before.error().message;
    if (before->has_value() && (*before)->pending) ++found_pending;

    // Restart: reconcile from the state file alone.
    auto restarted = MakeService(paths);
    restarted->Start();
    const int applied = restarted->applied();
    ASSERT_TRUE(applied == 0 || applied == kWeight) << "iteration " << i;
    if (applied) ++found_applied;
    ASSERT_EQ(*counter.Read(), foreign + applied)
        << "iteration " << i << ": "
        << restarted->Status()["state_file"].dump();
    auto after = DemotionStateStore(paths.state).Load();
    ASSERT_TRUE(after.ok() && after->has_value());
    EXPECT_FALSE((*after)->pending.has_value()) << "iteration " << i;
    if (i % 4 == 3) {
      restarted->Shutdown();  // a clean stop withdraws exactly ours
      ASSERT_EQ(*counter.Read(), foreign) << "iteration " << i;
    }
  }
  const auto took = std::chrono::steady_clock::now() - started;
  std::printf(
      "200 kills: %d found a change in flight, %d restarted with the "
      "contribution applied; %.1f s\n",
      found_pending, found_applied,
      std::chrono::duration<double>(took).count());
  EXPECT_GT(found_pending, 0)
      << "no kill landed inside a change; the test proves little";
}

}  // namespace
}  // namespace ipv6ha
