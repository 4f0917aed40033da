#include "exporter/role_monitor.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "exporter/platform/carp_role_source.h"
#include "exporter/platform/static_role_source.h"
#include "exporter/platform/vip_role_source.h"

namespace ipv6ha {
namespace {

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
