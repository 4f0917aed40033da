#include "exporter/role_monitor.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>

#include "exporter/platform/carp_role_source.h"
#include "exporter/platform/static_role_source.h"
#include "exporter/platform/vip_role_source.h"
#include "tests/support/fake_keepalived.h"

namespace ipv6ha {
namespace {

using std::chrono::milliseconds;
using testing::Eventually;
using testing::FakeKeepalived;

// A RoleSource that plays back a list of readings.
class ScriptedRoleSource : public RoleSource {
 public:
  explicit ScriptedRoleSource(std::vector<RoleReading> readings)
      : readings_(std::move(readings)) {}
  RoleReading Read() override {
    RoleReading r = readings_.at(std::min(next_, readings_.size() - 1));
    ++next_;
    return r;
  }

 private:
  std::vector<RoleReading> readings_;
  std::size_t next_ = 0;
};

RoleReading Reading(Role role) {
  RoleReading r;
  r.role = role;
  return r;
}

double Value(const std::vector<prometheus::MetricFamily>& families,
             const std::string& name, const std::string& label_value = "") {
  for (const auto& f : families) {
    if (f.name != name) continue;
    for (const auto& m : f.metric) {
      if (label_value.empty() ||
          (!m.label.empty() && m.label.back().value == label_value)) {
        return f.type == prometheus::MetricType::Counter ? m.counter.value
                                                         : m.gauge.value;
      }
    }
  }
  return -1;
}

TEST(RoleMonitor, CountsTransitionsAndTellsListeners) {
  RoleMonitor monitor(
      std::make_unique<ScriptedRoleSource>(std::vector<RoleReading>{
          Reading(Role::kMaster), Reading(Role::kMaster),
          Reading(Role::kBackup), Reading(Role::kMaster)}),
      std::chrono::hours(1));
  std::vector<std::pair<Role, Role>> seen;
  monitor.AddListener([&](Role from, Role to) { seen.emplace_back(from, to); });
  for (int i = 0; i < 4; ++i) monitor.PollOnce();
  EXPECT_EQ(monitor.CurrentRole(), Role::kMaster);
  EXPECT_EQ(monitor.Transitions(), 2u);
  EXPECT_EQ(seen, (std::vector<std::pair<Role, Role>>{
                      {Role::kMaster, Role::kBackup},
                      {Role::kBackup, Role::kMaster}}));
  const auto metrics = monitor.Collect();
  EXPECT_EQ(Value(metrics, "ipv6_ha_role", "master"), 1);
  EXPECT_EQ(Value(metrics, "ipv6_ha_role", "backup"), 0);
  EXPECT_EQ(Value(metrics, "ipv6_ha_role_transitions_total"), 2);
}

TEST(RoleMonitor, SampleCountsChangesBetweenKnownRolesOnly) {
  RoleMonitor monitor(
      std::make_unique<ScriptedRoleSource>(std::vector<RoleReading>{
          Reading(Role::kMaster), Reading(Role::kUnknown),
          Reading(Role::kMaster), Reading(Role::kUnknown),
          Reading(Role::kBackup), Reading(Role::kMaster)}),
      std::chrono::hours(1));
  for (int i = 0; i < 6; ++i) monitor.PollOnce();
  // master, (unreadable), master: no flip; (unreadable), backup, master: two.
  const RoleSample s = monitor.Sample();
  EXPECT_EQ(s.role, Role::kMaster);
  EXPECT_EQ(s.changes, 2u);
  EXPECT_EQ(monitor.Transitions(), 5u) << "every change of the reading";
}

TEST(RoleMonitor, PollsOnItsOwnThreadUntilStopped) {
  RoleMonitor monitor(
      std::make_unique<ScriptedRoleSource>(std::vector<RoleReading>{
          Reading(Role::kBackup), Reading(Role::kMaster)}),
      std::chrono::milliseconds(5));
  monitor.Start();
  EXPECT_EQ(monitor.CurrentRole(), Role::kBackup)
      << "first reading is synchronous";
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (monitor.CurrentRole() != Role::kMaster &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  monitor.Stop();
  EXPECT_EQ(monitor.CurrentRole(), Role::kMaster);
}

// A RoleSource whose first reading is immediate and whose later ones hang
// until Release(), as an ifconfig that hangs until its timeout.
class HangingRoleSource : public RoleSource {
 public:
  RoleReading Read() override {
    if (reads_.fetch_add(1) == 0) return Reading(Role::kBackup);
    entered_.set_value();
    released_.wait();
    return Reading(Role::kMaster);
  }
  std::future<void> Entered() { return entered_.get_future(); }
  void Release() {
    if (!released_once_.exchange(true)) release_.set_value();
  }

 private:
  std::atomic<int> reads_{0};
  std::atomic<bool> released_once_{false};
  std::promise<void> entered_;
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
};

TEST(RoleMonitor, RequestPollReturnsWhileTheReadingHangsThenTellsListeners) {
  auto source = std::make_unique<HangingRoleSource>();
  HangingRoleSource* hanging = source.get();
  auto entered = hanging->Entered();
  RoleMonitor monitor(std::move(source), std::chrono::hours(1));
  // Destroyed before the monitor: a failed assertion cannot leave its
  // thread hanging in the reading.
  struct ReleaseOnExit {
    HangingRoleSource* source;
    ~ReleaseOnExit() { source->Release(); }
  } release_on_exit{hanging};
  std::promise<Role> after;
  monitor.AddListener([&](Role, Role current) { after.set_value(current); });
  monitor.Start();  // the first reading: backup, no listener yet
  auto requested =
      std::async(std::launch::async, [&] { monitor.RequestPoll(); });
  ASSERT_EQ(entered.wait_for(std::chrono::seconds(5)),
            std::future_status::ready)
      << "the request did not start a reading";
  // The reading hangs now; the request has returned all the same.
  EXPECT_EQ(requested.wait_for(std::chrono::seconds(5)),
            std::future_status::ready);
  auto role = after.get_future();
  EXPECT_EQ(role.wait_for(std::chrono::milliseconds(0)),
            std::future_status::timeout)
      << "a listener ran before the reading finished";
  hanging->Release();
  ASSERT_EQ(role.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(role.get(), Role::kMaster) << "the listener sees the new reading";
  monitor.Stop();
}

TEST(RoleMonitor, RequestPollBeforeStartOrAfterStopIsDropped) {
  RoleMonitor monitor(std::make_unique<StaticRoleSource>(Role::kMaster),
                      std::chrono::hours(1));
  std::atomic<int> ran{0};
  monitor.AddListener([&](Role, Role) { ++ran; });
  monitor.RequestPoll();
  monitor.Start();
  monitor.Stop();
  monitor.RequestPoll();
  EXPECT_EQ(ran, 0);
}

TEST(RoleMonitor, CarpReadingExportsOneSeriesPerVhidAndState) {
  RoleReading r = Reading(Role::kBackup);
  r.vhids = {{"igb0", 1, CarpState::kMaster, 1, 0, "", ""},
             {"vlan0.10", 2, CarpState::kBackup, 1, 0, "", ""}};
  r.carp_demotion = 1048576;
  RoleMonitor monitor(
      std::make_unique<ScriptedRoleSource>(std::vector<RoleReading>{r}),
      std::chrono::hours(1));
  monitor.PollOnce();
  const auto metrics = monitor.Collect();
  int vhid_series = 0;
  for (const auto& f : metrics) {
    if (f.name == "ipv6_ha_carp_vhid_state")
      vhid_series = static_cast<int>(f.metric.size());
  }
  EXPECT_EQ(vhid_series, 8);
  EXPECT_EQ(Value(metrics, "ipv6_ha_carp_demotion"), 1048576);
}

// The monitor following a real KeepalivedRoleSource on a real FIFO.
class RoleMonitorFollowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("role_follow_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    config_.fifo = (dir_ / "notify.fifo").string();
    config_.record_file = (dir_ / "keepalived.states").string();
    config_.vrrp_pid_file = "";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<KeepalivedRoleSource> Source() {
    return std::make_unique<KeepalivedRoleSource>(config_);
  }

  std::filesystem::path dir_;
  KeepalivedRoleConfig config_;
};

double StateSample(const std::vector<prometheus::MetricFamily>& families,
                   const std::string& name, const std::string& state) {
  for (const auto& f : families) {
    if (f.name != name) continue;
    for (const auto& m : f.metric) {
      if (m.label.size() == 2 && m.label[1].value == state)  // instance, state
        return m.gauge.value;
    }
  }
  return -1;
}

TEST_F(RoleMonitorFollowTest, LearnsAKeepalivedTransitionAtOnceNotAtItsPoll) {
  FakeKeepalived ka(config_.fifo);
  ka.Say("INSTANCE \"LAN6\" BACKUP 150");
  config_.instances = {"LAN6"};
  RoleMonitor monitor(Source(), std::chrono::hours(1));
  std::atomic<int> calls{0};
  monitor.AddListener([&](Role, Role) { ++calls; });
  monitor.Start();
  ASSERT_EQ(monitor.CurrentRole(), Role::kBackup);
  ka.Say("INSTANCE \"LAN6\" MASTER 150");
  ASSERT_TRUE(Eventually([&] { return monitor.CurrentRole() == Role::kMaster; },
                         milliseconds(200)));
  ASSERT_TRUE(Eventually([&] { return calls == 1; }));
  auto metrics = monitor.Collect();
  EXPECT_EQ(StateSample(metrics, "ipv6_ha_vrrp_instance_state", "master"), 1);
  EXPECT_EQ(StateSample(metrics, "ipv6_ha_vrrp_instance_state", "backup"), 0);
  EXPECT_EQ(StateSample(metrics, "ipv6_ha_vrrp_instance_state", "fault"), 0);
  ka.Say("INSTANCE \"LAN6\" FAULT 150");
  ASSERT_TRUE(Eventually([&] { return monitor.CurrentRole() == Role::kFault; },
                         milliseconds(200)));
  metrics = monitor.Collect();
  EXPECT_EQ(StateSample(metrics, "ipv6_ha_vrrp_instance_state", "fault"), 1);
  for (const auto& f : metrics) {
    if (f.name != "ipv6_ha_role") continue;
    for (const auto& m : f.metric) {
      EXPECT_EQ(m.gauge.value, m.label[0].value == "fault" ? 1 : 0)
          << m.label[0].value;
    }
  }
  EXPECT_EQ(monitor.Detail()["instances"][0]["state"], "fault");
  monitor.Stop();
  const int before = calls;
  ka.Say("INSTANCE \"LAN6\" BACKUP 150");
  std::this_thread::sleep_for(milliseconds(100));  // nothing may arrive
  EXPECT_EQ(calls, before) << "no listener after Stop()";
}

TEST_F(RoleMonitorFollowTest, ATransitionThatKeepsTheRoleStillCallsListeners) {
  FakeKeepalived ka(config_.fifo);
  ka.Say("INSTANCE \"A\" BACKUP 150");
  ka.Say("INSTANCE \"B\" BACKUP 150");
  RoleMonitor monitor(Source(), std::chrono::hours(1));
  std::atomic<int> calls{0};
  monitor.AddListener([&](Role from, Role to) {
    if (from == Role::kBackup && to == Role::kBackup) ++calls;
  });
  monitor.Start();
  ka.Say("INSTANCE \"A\" MASTER 150");  // B is BACKUP: the node stays BACKUP
  ASSERT_TRUE(Eventually([&] { return calls == 1; }, milliseconds(200)));
  EXPECT_EQ(monitor.CurrentRole(), Role::kBackup);
  EXPECT_EQ(monitor.Transitions(), 0u);
}

TEST(CarpRoleSource, RunsIfconfigAndParsesIt) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("carp_role_source_test." + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto script = dir / "ifconfig";
  {
    std::ofstream s(script);
    s << "#!/bin/sh\ncat " << IPV6HA_FIXTURES
      << "/ifconfig/freebsd14_backup.txt\n";
  }
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  CarpRoleSource source(script.string(), std::chrono::seconds(5));
  const RoleReading r = source.Read();
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.role, Role::kBackup) << r.error;
  EXPECT_EQ(r.vhids.size(), 3u);
#ifndef __FreeBSD__
  EXPECT_FALSE(r.carp_demotion.has_value());
  EXPECT_NE(r.carp_demotion_error.find("not FreeBSD"), std::string::npos);
#endif
}

TEST(CarpRoleSource, MissingIfconfigIsAnErrorAndRoleUnknown) {
  CarpRoleSource source("/nonexistent/ifconfig", std::chrono::seconds(5));
  const RoleReading r = source.Read();
  EXPECT_EQ(r.role, Role::kUnknown);
  EXPECT_FALSE(r.error.empty());
}

TEST(VipRoleSource, LoopbackAddressIsPresentSoTheNodeIsMaster) {
  EXPECT_EQ(VipRoleSource("127.0.0.1").Read().role, Role::kMaster);
}

TEST(VipRoleSource, AbsentAddressMeansBackup) {
  const RoleReading r = VipRoleSource("fd00:dead:beef::1").Read();
  EXPECT_EQ(r.role, Role::kBackup);
  EXPECT_EQ(r.detail, "fd00:dead:beef::1 not present");
}

TEST(VipRoleSource, ReadsDadFlagsFromProcIfInet6) {
  const std::string proc =
      "fd000000000000000000000000000001 02 40 00 40     eth0\n"
      "00000000000000000000000000000001 01 80 10 80       lo\n"
      "fe80000000000000021122fffe334455 02 40 20 08     eth0\n";
  EXPECT_EQ(FindIfInet6Flags(proc, "fd00::1"), 0x40u);
  EXPECT_EQ(FindIfInet6Flags(proc, "::1"), 0x80u);
  EXPECT_EQ(FindIfInet6Flags(proc, "fe80::211:22ff:fe33:4455"), 0x08u);
  EXPECT_FALSE(FindIfInet6Flags(proc, "fd00::2").has_value());
}

TEST(StaticRoleSource, ReturnsTheConfiguredRole) {
  EXPECT_EQ(StaticRoleSource(Role::kBackup).Read().role, Role::kBackup);
}

}  // namespace
}  // namespace ipv6ha
