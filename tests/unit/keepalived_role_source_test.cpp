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

#include "exporter/platform/unique_fd.h"
#include "exporter/role_monitor.h"

namespace ipv6ha {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// keepalived's side: mkfifo, open O_RDWR | O_NONBLOCK, write lines.
class FakeKeepalived {
 public:
  explicit FakeKeepalived(const std::string& path) : path_(path) { Start(); }
  void Start() {
    ::mkfifo(path_.c_str(), 0644);  // EEXIST: reused, as keepalived does
    fd_ = UniqueFd(::open(path_.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
  }
  void Say(const std::string& line) {
    const std::string text = line + "\n";
    ASSERT_EQ(::write(fd_.get(), text.data(), text.size()),
              static_cast<ssize_t>(text.size()));
  }
  // A clean stop: STOP lines, close, unlink (it created the FIFO).
  void Stop(bool unlink = true) {
    fd_.Reset();
    if (unlink) ::unlink(path_.c_str());
  }

 private:
  std::string path_;
  UniqueFd fd_;
};

// Polls `ok` until it holds or `deadline` passes.
bool Eventually(const std::function<bool()>& ok,
                milliseconds deadline = milliseconds(3000)) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (ok()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return ok();
}

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}

// A process whose kernel name is "keepalived" (a copy of sleep), standing
// for keepalived's VRRP child in its pid file.
class FakeVrrpProcess {
 public:
  explicit FakeVrrpProcess(const fs::path& dir) {
    static int n = 0;  // a running executable cannot be overwritten
    const fs::path exe = dir / ("vrrp" + std::to_string(++n)) / "keepalived";
    fs::create_directories(exe.parent_path());
    fs::copy_file("/bin/sleep", exe);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl(exe.c_str(), "keepalived", "600", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // Until the child has exec'd, its name is still ours.
    EXPECT_TRUE(Eventually([this] {
      std::ifstream comm("/proc/" + std::to_string(pid_) + "/comm");
      std::string name;
      return std::getline(comm, name) && name == "keepalived";
    }));
  }
  ~FakeVrrpProcess() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }
  void WritePidfile(const std::string& path) const {
    std::ofstream(path) << pid_ << "\n";
  }

 private:
  pid_t pid_ = -1;
};

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

double Sample(const std::vector<prometheus::MetricFamily>& families,
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

TEST_F(KeepalivedRoleSourceTest,
       TheMonitorLearnsATransitionAtOnceNotAtItsPoll) {
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
  EXPECT_EQ(Sample(metrics, "ipv6_ha_vrrp_instance_state", "master"), 1);
  EXPECT_EQ(Sample(metrics, "ipv6_ha_vrrp_instance_state", "backup"), 0);
  EXPECT_EQ(Sample(metrics, "ipv6_ha_vrrp_instance_state", "fault"), 0);
  ka.Say("INSTANCE \"LAN6\" FAULT 150");
  ASSERT_TRUE(Eventually([&] { return monitor.CurrentRole() == Role::kFault; },
                         milliseconds(200)));
  metrics = monitor.Collect();
  EXPECT_EQ(Sample(metrics, "ipv6_ha_vrrp_instance_state", "fault"), 1);
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

TEST_F(KeepalivedRoleSourceTest,
       ATransitionThatKeepsTheRoleStillCallsListeners) {
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

}  // namespace
}  // namespace ipv6ha
