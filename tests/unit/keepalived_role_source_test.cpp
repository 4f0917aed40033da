// KeepalivedRoleSource and NotifyFifoReader on real FIFOs, written the way
// keepalived writes them (opened O_RDWR | O_NONBLOCK, one line per event).
#include "exporter/platform/keepalived_role_source.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "tests/support/fake_keepalived.h"

namespace ipv6ha {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using testing::Eventually;
using testing::FakeKeepalived;
using testing::FakeVrrpProcess;

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}

class KeepalivedRoleSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ka_source_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_.fifo = (dir_ / "notify.fifo").string();
    config_.record_file = (dir_ / "run" / "keepalived.states").string();
    config_.vrrp_pid_file = (dir_ / "vrrp.pid").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<KeepalivedRoleSource> Source() {
    return std::make_unique<KeepalivedRoleSource>(config_);
  }
  Role RoleOf(KeepalivedRoleSource& s) { return s.Read().role; }

  fs::path dir_;
  KeepalivedRoleConfig config_;
  std::atomic<int> changes_{0};
  std::atomic<int> transitions_{0};
  RoleSource::Changed Count() {
    return [this](bool transition) {
      ++changes_;
      if (transition) ++transitions_;
    };
  }
};

TEST_F(KeepalivedRoleSourceTest, LinesBufferedBeforeTheExporterStartedAreRead) {
  FakeKeepalived ka(config_.fifo);
  ka.Say("INSTANCE \"LAN6\" BACKUP 150");
  ka.Say("INSTANCE \"LAN6\" MASTER 150");
  auto source = Source();
  auto follow = source->Follow(Count());
  ASSERT_NE(follow, nullptr);
  const RoleReading r = source->Read();  // no wait: read during Follow()
  EXPECT_EQ(r.role, Role::kMaster) << r.error << r.detail;
  EXPECT_EQ(changes_, 0) << "old lines are not replayed as transitions";
}

TEST_F(KeepalivedRoleSourceTest, ATransitionIsReportedTheMomentItIsWritten) {
  FakeKeepalived ka(config_.fifo);
  ka.Say("INSTANCE \"LAN6\" BACKUP 150");
  auto source = Source();
  auto follow = source->Follow(Count());
  ASSERT_EQ(RoleOf(*source), Role::kBackup);
  const auto written = std::chrono::steady_clock::now();
  ka.Say("INSTANCE \"LAN6\" MASTER 150");
  ASSERT_TRUE(Eventually([&] { return transitions_ >= 1; }));
  EXPECT_LT(std::chrono::steady_clock::now() - written, milliseconds(200));
  EXPECT_EQ(RoleOf(*source), Role::kMaster);
  ka.Say("INSTANCE \"LAN6\" MASTER_PRIORITY 90");
  ASSERT_TRUE(Eventually([&] { return changes_ >= 2; }));
  EXPECT_EQ(transitions_, 1) << "a priority change is no transition";
  EXPECT_EQ(source->Read().instances.at(0).priority, 90);
  ka.Say("INSTANCE \"LAN6\" FAULT 90");
  ASSERT_TRUE(Eventually([&] { return transitions_ >= 2; }));
  EXPECT_EQ(RoleOf(*source), Role::kFault);
}

TEST_F(KeepalivedRoleSourceTest, RestartOfKeepalivedIsUnknownThenRecovers) {
  auto ka = std::make_unique<FakeKeepalived>(config_.fifo);
  ka->Say("INSTANCE \"LAN6\" MASTER 150");
  auto source = Source();
  auto follow = source->Follow(Count());
  ASSERT_EQ(RoleOf(*source), Role::kMaster);
  ka->Say("INSTANCE \"LAN6\" STOP 150");
  ASSERT_TRUE(Eventually([&] { return RoleOf(*source) == Role::kUnknown; }));
  EXPECT_NE(source->Read().error.find("stopped instance \"LAN6\""),
            std::string::npos);
  ka->Stop();
  ASSERT_TRUE(Eventually([&] {
    return source->Read().error.find("closed its notify FIFO") !=
               std::string::npos ||
           source->Read().error.find("does not exist") != std::string::npos;
  })) << source->Read().error;
  ka->Start();  // a new FIFO at the same path
  ka->Say("INSTANCE \"LAN6\" BACKUP 150");
  ASSERT_TRUE(Eventually([&] { return RoleOf(*source) == Role::kBackup; }))
      << source->Read().error;
}

TEST_F(KeepalivedRoleSourceTest, AReloadOfKeepalivedKeepsWhatItDoesNotRepeat) {
  FakeVrrpProcess vrrp(dir_);
  vrrp.WritePidfile(config_.vrrp_pid_file);
  auto ka = std::make_unique<FakeKeepalived>(config_.fifo);
  ka->Say("INSTANCE \"LAN6\" MASTER 150");
  auto source = Source();
  auto follow = source->Follow(Count());
  ASSERT_EQ(RoleOf(*source), Role::kMaster);
  // A reload closes, unlinks and recreates the FIFO and does not repeat the
  // state of an instance that stays MASTER; the VRRP process stays.
  ka->Stop();
  ASSERT_TRUE(Eventually([&] { return RoleOf(*source) == Role::kUnknown; }));
  ka->Start();
  ASSERT_TRUE(Eventually([&] { return RoleOf(*source) == Role::kMaster; }))
      << source->Read().error;
  EXPECT_TRUE(source->Read().instances.at(0).restored);
}

TEST_F(KeepalivedRoleSourceTest, ANewKeepalivedProcessStartsFromNothing) {
  config_.instances = {"LAN6"};
  auto vrrp = std::make_unique<FakeVrrpProcess>(dir_);
  vrrp->WritePidfile(config_.vrrp_pid_file);
  auto ka = std::make_unique<FakeKeepalived>(config_.fifo);
  ka->Say("INSTANCE \"LAN6\" MASTER 150");
  auto source = Source();
  auto follow = source->Follow(Count());
  ASSERT_EQ(RoleOf(*source), Role::kMaster);
  ka->Stop();  // died: another VRRP process comes up
  vrrp = std::make_unique<FakeVrrpProcess>(dir_);
  vrrp->WritePidfile(config_.vrrp_pid_file);
  ASSERT_TRUE(Eventually([&] { return RoleOf(*source) == Role::kUnknown; }));
  ka->Start();
  ASSERT_TRUE(Eventually([&] {
    return source->Read().error.find("has not reported instance") !=
           std::string::npos;
  })) << source->Read().error;
  ka->Say("INSTANCE \"LAN6\" BACKUP 150");
  ASSERT_TRUE(Eventually([&] { return RoleOf(*source) == Role::kBackup; }));
}

TEST_F(KeepalivedRoleSourceTest,
       TheRecordOfAKeepalivedThatIsGoneIsNotRestored) {
  config_.instances = {"LAN6"};
  auto vrrp = std::make_unique<FakeVrrpProcess>(dir_);
  vrrp->WritePidfile(config_.vrrp_pid_file);
  FakeKeepalived ka(config_.fifo);
  ka.Say("INSTANCE \"LAN6\" MASTER 150");
  {
    auto first = Source();
    auto follow = first->Follow(Count());
    ASSERT_EQ(RoleOf(*first), Role::kMaster);
  }
  std::ifstream in(config_.record_file);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("pid " + std::to_string(vrrp->pid())), std::string::npos)
      << text;
  // keepalived killed while the exporter was down; its FIFO stays.
  vrrp.reset();
  auto second = Source();
  EXPECT_EQ(RoleOf(*second), Role::kUnknown) << "check refuses it too";
  auto follow = second->Follow(Count());
  const RoleReading r = second->Read();
  EXPECT_EQ(r.role, Role::kUnknown);
  EXPECT_NE(r.error.find("has not reported instance \"LAN6\""),
            std::string::npos)
      << r.error;
}

TEST_F(KeepalivedRoleSourceTest, AMissingFifoIsUnknownAndFoundWhenItAppears) {
  auto source = Source();
  auto follow = source->Follow(Count());
  const RoleReading r = source->Read();
  EXPECT_EQ(r.role, Role::kUnknown);
  EXPECT_NE(r.error.find("does not exist"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("vrrp_notify_fifo " + config_.fifo),
            std::string::npos);
  FakeKeepalived ka(config_.fifo);
  ka.Say("INSTANCE \"LAN6\" BACKUP 150");
  ASSERT_TRUE(Eventually([&] { return RoleOf(*source) == Role::kBackup; }));
}

TEST_F(KeepalivedRoleSourceTest, WaitingForKeepalivedDoesNotSpin) {
  auto source = Source();
  auto follow = source->Follow(Count());
  {
    FakeKeepalived ka(config_.fifo);
    ka.Say("INSTANCE \"LAN6\" BACKUP 150");
    ASSERT_TRUE(Eventually([&] { return RoleOf(*source) == Role::kBackup; }));
    ka.Stop(false);  // died: the FIFO stays, without a writer
  }
  ASSERT_TRUE(Eventually([&] { return RoleOf(*source) == Role::kUnknown; }));
  const double before = CpuSeconds();
  std::this_thread::sleep_for(milliseconds(500));  // measuring, not syncing
  EXPECT_LT(CpuSeconds() - before, 0.05);
  fs::remove(config_.fifo);
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_LT(CpuSeconds() - before, 0.08);
}

TEST_F(KeepalivedRoleSourceTest,
       ARestartedExporterRestoresTheRecordOfTheSameFifo) {
  FakeKeepalived ka(config_.fifo);
  ka.Say("INSTANCE \"LAN6\" MASTER 150");
  {
    auto first = Source();
    auto follow = first->Follow(Count());
    ASSERT_EQ(RoleOf(*first), Role::kMaster);
  }
  // The pipe is empty now: only the record knows that LAN6 is MASTER.
  auto second = Source();
  EXPECT_EQ(RoleOf(*second), Role::kMaster) << "check reads the record";
  auto follow = second->Follow(Count());
  const RoleReading r = second->Read();
  EXPECT_EQ(r.role, Role::kMaster) << r.error;
  ASSERT_EQ(r.instances.size(), 1u);
  EXPECT_TRUE(r.instances[0].restored);
  ka.Say("INSTANCE \"LAN6\" BACKUP 150");
  ASSERT_TRUE(Eventually([&] { return RoleOf(*second) == Role::kBackup; }));
  EXPECT_FALSE(second->Read().instances[0].restored);
}

TEST_F(KeepalivedRoleSourceTest, TheRecordOfAnotherFifoIsNotRestored) {
  {
    FakeKeepalived ka(config_.fifo);
    ka.Say("INSTANCE \"LAN6\" MASTER 150");
    auto first = Source();
    auto follow = first->Follow(Count());
    ASSERT_EQ(RoleOf(*first), Role::kMaster);
    ka.Stop();  // keepalived restarted while the exporter was down
  }
  // The record was emptied when the FIFO closed; write an old one back to
  // show that the identity alone refuses it.
  FakeKeepalived ka(config_.fifo);
  std::ofstream(config_.record_file)
      << "fifo 1 2\nINSTANCE \"LAN6\" MASTER 150\n";
  auto second = Source();
  const RoleReading unfollowed = second->Read();
  EXPECT_EQ(unfollowed.role, Role::kUnknown);
  EXPECT_NE(unfollowed.error.find("another notify FIFO"), std::string::npos)
      << unfollowed.error;
  auto follow = second->Follow(Count());
  EXPECT_EQ(RoleOf(*second), Role::kUnknown);
}

TEST_F(KeepalivedRoleSourceTest, LinesItCannotReadAreNamedAndSkipped) {
  FakeKeepalived ka(config_.fifo);
  ka.Say("INSTANCE \"LAN6\" {UNKNOWN} 150");
  ka.Say(std::string(10000, 'x'));
  ka.Say("INSTANCE \"LAN6\" BACKUP 150");
  auto source = Source();
  auto follow = source->Follow(Count());
  const RoleReading r = source->Read();
  EXPECT_EQ(r.role, Role::kBackup);
  EXPECT_NE(r.detail.find("ignored: not a keepalived notify line"),
            std::string::npos)
      << r.detail;
}

TEST_F(KeepalivedRoleSourceTest, APathThatIsNoFifoIsUnknownWithTheFix) {
  std::ofstream(config_.fifo) << "INSTANCE \"LAN6\" MASTER 150\n";
  auto source = Source();
  auto follow = source->Follow(Count());
  const RoleReading r = source->Read();
  EXPECT_EQ(r.role, Role::kUnknown);
  EXPECT_NE(r.error.find("is not a FIFO"), std::string::npos) << r.error;
}

TEST_F(KeepalivedRoleSourceTest, OnlyOneFollowerReadsTheFifo) {
  FakeKeepalived ka(config_.fifo);
  auto source = Source();
  auto follow = source->Follow(Count());
  EXPECT_EQ(source->Follow(Count()), nullptr);
}

}  // namespace
}  // namespace ipv6ha
