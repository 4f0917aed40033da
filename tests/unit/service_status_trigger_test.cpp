// ServiceStatusTrigger against a fake configctl: a shell script that appends
// its arguments to a file (and can be told to fail, hang or wait).
#include "exporter/service_status_trigger.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "exporter/config/config.h"

namespace ipv6ha {
namespace {

using std::chrono::milliseconds;
namespace fs = std::filesystem;

// Polls `done` until it holds or `timeout` passes.
template <typename F>
bool WaitUntil(F done, milliseconds timeout = milliseconds(5000)) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return done();
}

class ServiceStatusTriggerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("sst_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    calls_ = (dir_ / "calls").string();
    fake_ = (dir_ / "configctl").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The fake records "args" per call, then runs `then` (shell).
  void Fake(const std::string& then = "exit 0") {
    std::ofstream(fake_) << "#!/bin/sh\necho \"$*\" >> '" << calls_ << "'\n"
                         << then << "\n";
    chmod(fake_.c_str(), 0755);
  }
  std::vector<std::string> Calls() const {
    std::ifstream in(calls_);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  std::vector<std::string> Argv() const {
    return {fake_, "interface", "update", "carp", "service_status"};
  }

  // For a fake whose second call hangs (until the trigger's timeout kills
  // it): "healthy" is told, then a "demote" run is left going.
  void HangTheSecondCall() {
    Fake("[ \"$(wc -l < '" + calls_ + "')\" -eq 2 ] && exec sleep 30\nexit 0");
  }
  void TellHealthyThenHangADemote(ServiceStatusTrigger& trigger) {
    trigger.Notify(0);
    ASSERT_TRUE(WaitUntil([&] { return trigger.counts().ok == 1; }));
    trigger.Notify(60);
    ASSERT_TRUE(WaitUntil([&] { return Calls().size() == 2; }));
  }

  fs::path dir_;
  std::string calls_;
  std::string fake_;
};

TEST_F(ServiceStatusTriggerTest, FirstDecisionRunsTheTriggerOnce) {
  Fake();
  ServiceStatusTrigger trigger(Argv(), milliseconds(2000), milliseconds(50));
  trigger.Notify(0);
  ASSERT_TRUE(WaitUntil([&] { return trigger.counts().ok == 1; }));
  EXPECT_EQ(Calls(),
            std::vector<std::string>{"interface update carp service_status"});
}

// before_run makes the decision readable (the daemon writes the status
// file): it runs first, every time.
TEST_F(ServiceStatusTriggerTest, BeforeRunComesFirstEveryTime) {
  const std::string marks = (dir_ / "marks").string();
  Fake("echo run >> '" + marks + "'");
  ServiceStatusTrigger trigger(
      Argv(), milliseconds(2000), milliseconds(50),
      [&] { std::ofstream(marks, std::ios::app) << "before\n"; });
  trigger.Notify(0);
  ASSERT_TRUE(WaitUntil([&] { return trigger.counts().ok == 1; }));
  trigger.Notify(60);
  ASSERT_TRUE(WaitUntil([&] { return trigger.counts().ok == 2; }));
  std::ifstream in(marks);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  EXPECT_EQ(lines,
            (std::vector<std::string>{"before", "run", "before", "run"}));
}

TEST_F(ServiceStatusTriggerTest, WaitIdleReturnsOnceTheLatestDecisionIsTold) {
  const std::string gate = (dir_ / "gate").string();
  Fake("while [ ! -e '" + gate + "' ]; do sleep 0.01; done");
  ServiceStatusTrigger trigger(Argv(), milliseconds(5000), milliseconds(50));
  trigger.Notify(60);
  ASSERT_TRUE(WaitUntil([&] { return Calls().size() == 1; }));
  std::thread opener([&] {
    std::this_thread::sleep_for(milliseconds(100));  // WaitIdle must wait
    std::ofstream(gate).put('x');
  });
  trigger.WaitIdle(milliseconds(5000));
  EXPECT_EQ(trigger.counts().ok, 1u) << "WaitIdle returned before the run";
  opener.join();
}

TEST_F(ServiceStatusTriggerTest, OnlyAChangedDecisionRunsItAgain) {
  Fake();
  ServiceStatusTrigger trigger(Argv(), milliseconds(2000), milliseconds(50));
  trigger.Notify(0);
  ASSERT_TRUE(WaitUntil([&] { return trigger.counts().ok == 1; }));
  trigger.Notify(0);   // the same decision: nothing to tell
  trigger.Notify(-5);  // still not demoting
  trigger.Notify(60);  // demote
  ASSERT_TRUE(WaitUntil([&] { return trigger.counts().ok == 2; }));
  trigger.Notify(240);  // a different amount, the same decision
  trigger.Notify(0);    // healthy again
  ASSERT_TRUE(WaitUntil([&] { return trigger.counts().ok == 3; }));
  EXPECT_EQ(Calls().size(), 3u);
  EXPECT_EQ(trigger.counts().failed, 0u);
}

TEST_F(ServiceStatusTriggerTest, DecisionsDuringARunFoldIntoOneMoreRun) {
  const std::string gate = (dir_ / "gate").string();
  // The first call waits until the test opens the gate (bounded by the
  // trigger's timeout); later calls return at once.
  Fake("[ \"$(wc -l < '" + calls_ +
       "')\" -gt 1 ] && exit 0\n"
       "while [ ! -e '" +
       gate + "' ]; do sleep 0.01; done");
  ServiceStatusTrigger trigger(Argv(), milliseconds(5000), milliseconds(50));
  trigger.Notify(0);
  ASSERT_TRUE(WaitUntil([&] { return Calls().size() == 1; }));
  trigger.Notify(60);
  trigger.Notify(0);
  trigger.Notify(60);  // the latest: demote
  std::ofstream(gate).put('x');
  ASSERT_TRUE(WaitUntil([&] { return trigger.counts().ok == 2; }));
  // Nothing further is pending: one run for "healthy", one for "demote".
  ServiceStatusTrigger::Counts c = trigger.counts();
  EXPECT_EQ(c.ok, 2u);
  EXPECT_EQ(Calls().size(), 2u);
}

TEST_F(ServiceStatusTriggerTest, FailureIsReportedWithTheReasonAndRetried) {
  const std::string fixed = (dir_ / "fixed").string();
  Fake("[ -e '" + fixed +
       "' ] && exit 0\n"
       "echo 'configd: connection refused' >&2; exit 1");
  ServiceStatusTrigger trigger(Argv(), milliseconds(2000), milliseconds(100));
  trigger.Notify(60);
  ASSERT_TRUE(WaitUntil([&] { return trigger.counts().failed >= 1; }));
  const std::string error = trigger.counts().last_error;
  EXPECT_NE(error.find("interface update carp service_status exited 1: "
                       "configd: connection refused"),
            std::string::npos)
      << error;
  std::ofstream(fixed).put('x');  // configd is back: the retry succeeds
  ASSERT_TRUE(WaitUntil([&] { return trigger.counts().ok == 1; }));
  EXPECT_EQ(trigger.counts().last_error, "");
  const auto families = trigger.Collect();
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0].name, "ipv6_ha_service_status_trigger_runs_total");
  EXPECT_EQ(families[0].metric[0].counter.value, 1);  // ok
  EXPECT_GE(families[0].metric[1].counter.value, 1);  // failed
}

TEST_F(ServiceStatusTriggerTest, AHungCommandIsKilledAtTheTimeout) {
  Fake("exec sleep 30");
  const auto start = std::chrono::steady_clock::now();
  ServiceStatusTrigger trigger(Argv(), milliseconds(200), milliseconds(60000));
  trigger.Notify(60);
  ASSERT_TRUE(WaitUntil([&] { return trigger.counts().failed == 1; }));
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(3000));
  EXPECT_NE(trigger.counts().last_error.find("200ms"), std::string::npos)
      << trigger.counts().last_error;
}

// The run that failed may have reached OPNsense before it was killed, so a
// decision equal to the one told before it is told again (on shutdown this
// is the "not demoting" that follows a killed "demote").
TEST_F(ServiceStatusTriggerTest, AfterAFailedRunTheEarlierDecisionIsToldAgain) {
  HangTheSecondCall();
  ServiceStatusTrigger trigger(Argv(), milliseconds(200), milliseconds(60000));
  ASSERT_NO_FATAL_FAILURE(TellHealthyThenHangADemote(trigger));
  // Back to what the successful run told while the "demote" still runs (as
  // on shutdown): once that run fails, OPNsense may hold either answer.
  trigger.Notify(0);
  ASSERT_TRUE(WaitUntil([&] { return trigger.counts().ok == 2; }))
      << trigger.counts().last_error;
  EXPECT_EQ(trigger.counts().failed, 1u);
  EXPECT_EQ(Calls().size(), 3u);
}

// The shutdown's case: "healthy" comes back while a "demote" run is going
// and about to fail. WaitIdle must not take the earlier successful
// "healthy" for told: it waits for that run, then for the one it makes due.
TEST_F(ServiceStatusTriggerTest, WaitIdleWaitsForTheRunGoingAndWhatItMakesDue) {
  HangTheSecondCall();
  ServiceStatusTrigger trigger(Argv(), milliseconds(300), milliseconds(60000));
  ASSERT_NO_FATAL_FAILURE(TellHealthyThenHangADemote(trigger));
  trigger.Notify(0);
  trigger.WaitIdle(milliseconds(5000));
  const ServiceStatusTrigger::Counts c = trigger.counts();
  EXPECT_EQ(c.failed, 1u);
  EXPECT_EQ(c.ok, 2u) << c.last_error;
}

TEST_F(ServiceStatusTriggerTest, AMissingCommandIsAFailureNotACrash) {
  ServiceStatusTrigger trigger({(dir_ / "no-such-configctl").string()},
                               milliseconds(1000), milliseconds(60000));
  trigger.Notify(0);
  ASSERT_TRUE(WaitUntil([&] { return trigger.counts().failed == 1; }));
  EXPECT_NE(trigger.counts().last_error.find("no-such-configctl"),
            std::string::npos)
      << trigger.counts().last_error;
}

TEST(ServiceStatusMode, OnlyWithSinkNoneAndAStatusFile) {
  const ServiceStatusTriggerConfig on;
  ServiceStatusTriggerConfig off;
  off.enabled = false;
  const std::string file = "/var/run/ipv6_ha_exporter/status.json";
  EXPECT_TRUE(InServiceStatusMode(true, "none", file, on));
  EXPECT_FALSE(InServiceStatusMode(true, "carp_sysctl", file, on));
  EXPECT_FALSE(InServiceStatusMode(true, "none", "", on));
  EXPECT_FALSE(InServiceStatusMode(false, "none", file, on));
  EXPECT_FALSE(InServiceStatusMode(true, "none", file, off));
}

}  // namespace
}  // namespace ipv6ha

namespace ipv6ha {
namespace {

TEST(ServiceStatusTriggerConfig, DefaultsAreOpnsensesCommand) {
  auto loaded = LoadConfigFromString("demotion: {sink: none}\n", "t.yml", {});
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const auto& c = loaded->config;
  EXPECT_TRUE(c.service_status_trigger.enabled);
  EXPECT_EQ(c.service_status_trigger.args,
            (std::vector<std::string>{"interface", "update", "carp",
                                      "service_status"}));
  EXPECT_EQ(c.commands.at("configctl"), "/usr/local/sbin/configctl");
  EXPECT_EQ(c.service_status_trigger.timeout, std::chrono::seconds(10));
}

TEST(ServiceStatusTriggerConfig, KeysAreReadAndBadOnesNamed) {
  auto loaded = LoadConfigFromString(
      "service_status_trigger: {enabled: false, args: [x], timeout: 2s, "
      "retry: 5s}\n",
      "t.yml", {});
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_FALSE(loaded->config.service_status_trigger.enabled);
  EXPECT_EQ(loaded->config.service_status_trigger.args,
            std::vector<std::string>{"x"});
  EXPECT_EQ(loaded->config.service_status_trigger.retry,
            std::chrono::seconds(5));
  auto bad = LoadConfigFromString(
      "service_status_trigger: {timeout: 0s, bogus: 1}\n", "t.yml", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("t.yml:1:35: timeout must be positive"),
            std::string::npos)
      << bad.error().message;
  EXPECT_NE(bad.error().message.find("bogus"), std::string::npos)
      << bad.error().message;
}

}  // namespace
}  // namespace ipv6ha
