#include "exporter/platform/command_runner.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <latch>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/proc_status.h"

namespace ipv6ha {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

using testing::ProcessesWhere;
using testing::ProcStat;

int ZombieChildren() {
  return static_cast<int>(ProcessesWhere([](const ProcStat& s) {
                            return s.ppid == getpid() && s.state == 'Z';
                          }).size());
}

std::vector<pid_t> LiveChildren() {
  return ProcessesWhere(
      [](const ProcStat& s) { return s.ppid == getpid() && s.state != 'Z'; });
}

TEST(CommandRunnerTest, CapturesOutputAndExitCode) {
  auto out =
      RunCommand({{"/bin/sh", "-c", "echo hello; echo oops >&2; exit 3"}});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->exit_code, 3);
  EXPECT_EQ(out->stdout_text, "hello\n");
  EXPECT_EQ(out->stderr_text, "oops\n");
  EXPECT_FALSE(out->truncated);
}

TEST(CommandRunnerTest, NonZeroExitIsAValueNotAnError) {
  auto out = RunCommand({{"/bin/false"}});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->exit_code, 1);
}

TEST(CommandRunnerTest, MissingBinaryIsAnErrorNamingIt) {
  auto out = RunCommand({{"/nonexistent/pfctl", "-s", "nat"}});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message,
            "cannot run /nonexistent/pfctl: No such file or directory");
}

TEST(CommandRunnerTest, HungCommandIsKilledAtTheTimeout) {
  const auto start = std::chrono::steady_clock::now();
  auto out = RunCommand({{"/bin/sleep", "30"}, milliseconds(200)});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message, "/bin/sleep 30 timed out after 200ms");
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_EQ(ZombieChildren(), 0);
}

TEST(CommandRunnerTest, GrandchildrenHoldingThePipeAreKilledToo) {
  // The shell exits at once but leaves a background child holding stdout.
  auto out = RunCommand(
      {{"/bin/sh", "-c", "sleep 30 & echo started"}, milliseconds(300)});
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("timed out"), std::string::npos);
  EXPECT_EQ(ZombieChildren(), 0);
}

TEST(CommandRunnerTest, HugeOutputIsCappedAndTheProgramStopped) {
  CommandSpec spec{{"/bin/sh", "-c", "yes 0123456789 | head -c 100000000"},
                   std::chrono::seconds(10),
                   1024 * 1024};
  auto out = RunCommand(spec);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_TRUE(out->truncated);
  EXPECT_EQ(out->stdout_text.size(), 1024u * 1024u);
  EXPECT_EQ(ZombieChildren(), 0);
}

TEST(CommandRunnerTest, ProgramGetsNoStdin) {
  auto out = RunCommand({{"/bin/cat"}, milliseconds(2000)});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->exit_code, 0);
  EXPECT_EQ(out->stdout_text, "");
}

TEST(CommandRunnerTest, ExtraEnvironmentIsPassed) {
  CommandSpec spec{{"/bin/sh", "-c", "echo $IPV6HA_TEST"}};
  spec.extra_env = {"IPV6HA_TEST=42"};
  auto out = RunCommand(spec);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->stdout_text, "42\n");
}

TEST(CommandRunnerTest, SignalledProgramReportsTheSignal) {
  auto out = RunCommand({{"/bin/sh", "-c", "kill -9 $$"}});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->signal, 9);
}

// The failure sentence every caller shows: the program, how it ended, and
// the first line of its stderr.
TEST(CommandRunnerTest, DescribeFailureIsOneSentenceForEveryCaller) {
  const std::vector<std::string> argv = {"/sbin/pfctl", "-s", "nat"};
  CommandOutput out;
  out.exit_code = 0;
  out.stderr_text = "a warning\n";
  EXPECT_EQ(DescribeFailure(argv, out), "");
  out.exit_code = 1;
  out.stderr_text = "pfctl: /dev/pf: Permission denied\r\nsecond line\n";
  EXPECT_EQ(DescribeFailure(argv, out),
            "/sbin/pfctl -s nat exited 1: pfctl: /dev/pf: Permission denied");
  out.stderr_text = "";
  EXPECT_EQ(DescribeFailure(argv, out), "/sbin/pfctl -s nat exited 1");
  out.signal = 9;
  EXPECT_EQ(DescribeFailure(argv, out),
            "/sbin/pfctl -s nat was killed by signal 9");
}

TEST(CommandRunnerTest, DescribeFailureCutsStderrOnACharacterBoundary) {
  CommandOutput out;
  out.exit_code = 2;
  out.stderr_text =
      std::string(199, 'x') + "\xc3\xa9 and more";  // é across byte 200
  const std::string s = DescribeFailure({"/bin/tool"}, out);
  EXPECT_EQ(s, "/bin/tool exited 2: " + std::string(199, 'x'));
}

// Polls `done` every millisecond until it holds or `timeout` passes.
template <typename Pred>
bool WaitUntil(Pred done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return true;
}

// StopCommands lasts for the rest of the process, so each test of it runs
// in a process of its own: a death test whose process exits 0 when every
// expectation in it held. "threadsafe": re-executed, not forked, since the
// tests start threads.
class CommandRunnerStopTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

[[noreturn]] void ExitWithTheVerdict() {
  std::fflush(stdout);
  std::_Exit(::testing::Test::HasFailure() ? 1 : 0);
}

void StoppedPurposeStartsNothingTheOtherStillRuns() {
  StopCommands(CommandPurpose::kObserve);
  auto check = RunCommand({{"/bin/sleep", "1000"}, seconds(60)});
  EXPECT_FALSE(check);
  if (!check) {
    EXPECT_EQ(check.error().message,
              "/bin/sleep 1000 not run: the exporter is stopping");
  }
  EXPECT_TRUE(LiveChildren().empty());
  // The demotion's withdraw still runs after the checks stopped.
  CommandSpec withdraw{{"/bin/sh", "-c", "exit 0"}};
  withdraw.purpose = CommandPurpose::kAct;
  auto ran = RunCommand(withdraw);
  EXPECT_TRUE(ran && ran->exit_code == 0);
  StopCommands(CommandPurpose::kAct);
  EXPECT_FALSE(RunCommand(withdraw));
  ExitWithTheVerdict();
}

TEST_F(CommandRunnerStopTest, AStoppedPurposeStartsNothingTheOtherStillRuns) {
  EXPECT_EXIT(StoppedPurposeStartsNothingTheOtherStillRuns(),
              ::testing::ExitedWithCode(0), "");
}

void StopKillsOnlyItsPurpose() {
  char dir[] = "/tmp/ipv6ha-command-stop-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string gate = std::string(dir) + "/gate";
  CommandSpec act{
      {"/bin/sh", "-c", "until [ -e " + gate + " ]; do sleep 0.01; done"},
      seconds(60)};
  act.purpose = CommandPurpose::kAct;
  auto acting = std::async(std::launch::async, RunCommand, act);
  auto checking = std::async(std::launch::async, RunCommand,
                             CommandSpec{{"/bin/sleep", "1000"}, seconds(60)});
  EXPECT_TRUE(
      WaitUntil([] { return LiveChildren().size() == 2; }, seconds(10)));
  StopCommands(CommandPurpose::kObserve);
  EXPECT_EQ(checking.wait_for(seconds(10)), std::future_status::ready);
  // Killed, or refused if the stop came as it was being registered.
  auto checked = checking.get();
  EXPECT_TRUE(!checked || checked->signal == SIGKILL);
  EXPECT_EQ(acting.wait_for(milliseconds(0)), std::future_status::timeout);
  std::ofstream(gate) << "go";
  EXPECT_EQ(acting.wait_for(seconds(10)), std::future_status::ready);
  auto acted = acting.get();
  EXPECT_TRUE(acted && acted->exit_code == 0 && acted->signal == 0);
  std::filesystem::remove_all(dir);
}

TEST_F(CommandRunnerStopTest, StopKillsTheRunningProgramsOfItsPurposeOnly) {
  EXPECT_EXIT(
      {
        StopKillsOnlyItsPurpose();
        ExitWithTheVerdict();
      },
      ::testing::ExitedWithCode(0), "");
}

// One trial of the race between StopCommands and programs being started:
// `delay` after four threads start /bin/sleep 1000 at once, the checks'
// programs are stopped. Each run must then end at once, killed or refused;
// one that keeps waiting is a child the stop missed, left running.
void StopWhileProgramsStart(std::chrono::nanoseconds delay) {
  constexpr int kSpawners = 4;
  std::latch start(1);
  std::atomic<int> returned{0};
  std::vector<std::optional<Expected<CommandOutput>>> outcomes(kSpawners);
  std::vector<std::thread> spawners;
  for (int i = 0; i < kSpawners; ++i) {
    spawners.emplace_back([&, i] {
      start.wait();
      outcomes[i] = RunCommand({{"/bin/sleep", "1000"}, seconds(60)});
      returned.fetch_add(1);
    });
  }
  start.count_down();
  // A timed spin, not a wait for anything: it moves the stop across the
  // spawns, one step per trial.
  for (auto until = std::chrono::steady_clock::now() + delay;
       std::chrono::steady_clock::now() < until;) {
  }
  StopCommands(CommandPurpose::kObserve);
  if (!WaitUntil([&] { return returned.load() == kSpawners; }, seconds(5))) {
    const auto left = LiveChildren();
    // On stderr, so that the death test's report shows it.
    std::fprintf(stderr,
                 "%d runs still wait 5 s after the stop (stop %lld ns after "
                 "the start); children left running: %zu\n",
                 kSpawners - returned.load(),
                 static_cast<long long>(delay.count()), left.size());
    for (pid_t pid : left) {  // nothing of this test outlives it
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
    }
    std::_Exit(1);
  }
  for (auto& t : spawners) t.join();
  for (const auto& out : outcomes) {
    if (*out) {
      EXPECT_EQ((*out)->signal, SIGKILL);
    } else {
      EXPECT_EQ(out->error().message,
                "/bin/sleep 1000 not run: the exporter is stopping");
    }
  }
  EXPECT_TRUE(LiveChildren().empty());
  ExitWithTheVerdict();
}

TEST_F(CommandRunnerStopTest, StopAsProgramsStartLeavesNoneRunning) {
  // The trials spread the stop over twice the time a run of /bin/true
  // takes here: some stop before the spawns, some during, some after.
  const auto begin = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(RunCommand({{"/bin/true"}}));
  const auto spawn = (std::chrono::steady_clock::now() - begin) / 5;
  constexpr int kTrials = 60;
  for (int i = 0; i < kTrials; ++i) {
    EXPECT_EXIT(StopWhileProgramsStart(spawn * 2 * i / kTrials),
                ::testing::ExitedWithCode(0), "")
        << "trial " << i;
  }
}

}  // namespace
}  // namespace ipv6ha
