// The services check against real processes: a copy of /bin/sleep named as
// the service, started by the test, so the kernel's command name matches.

#include "checks/services_check.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>

namespace ipv6ha {
namespace {

namespace fs = std::filesystem;

// A sleeping process whose command name is `name`; killed and reaped on
// destruction.
class FakeService {
 public:
  FakeService(const fs::path& dir, const std::string& name) {
    const fs::path binary = dir / name;
    fs::copy_file("/bin/sleep", binary, fs::copy_options::overwrite_existing);
    pid_ = fork();
    if (pid_ == 0) {
      execl(binary.c_str(), name.c_str(), "60", static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~FakeService() { Stop(); }
  FakeService(const FakeService&) = delete;
  FakeService& operator=(const FakeService&) = delete;
  pid_t pid() const { return pid_; }
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

class ServicesCheckTest : public ::testing::Test {
 protected:
  ServicesCheckTest() {
    char tmpl[] = "/tmp/ipv6ha-services-XXXXXX";
    dir_ = mkdtemp(tmpl);
    // Unique per run: other tests on this host may run their own "radvd".
    suffix_ = std::to_string(getpid() % 100000);
  }
  ~ServicesCheckTest() override { fs::remove_all(dir_); }

  std::unique_ptr<Check> Build(const std::string& yaml) {
    errors_ = std::make_unique<ConfigErrors>("test.yml");
    ConfigReader reader(YAML::Load(yaml), "checks.services", errors_.get());
    CheckSettings settings;
    settings.name = "services";
    settings.type = "services";
    auto create =
        ServicesCheckRegistration().create(reader, CheckEnv{}, settings);
    reader.RejectUnknownKeys();
    return create ? create() : nullptr;
  }
  // A config for one service with a unique process name.
  std::string OneService(const std::string& process,
                         const std::string& extra = "") {
    return "services:\n  radvd: {process: " + process + extra + "}\n";
  }
  static RunContext As(Role role) {
    return {role, std::chrono::steady_clock::now() + std::chrono::seconds(5)};
  }
  bool WaitForProcessName(pid_t pid, const std::string& name) {
    // exec happens right after fork; poll the name with a deadline.
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      if (ProcessTable().NameOf(pid) == name) return true;
      usleep(5000);
    }
    return false;
  }

  fs::path dir_;
  std::string suffix_;
  std::unique_ptr<ConfigErrors> errors_;
};

TEST_F(ServicesCheckTest, RadvdRunningOnMasterIsOk) {
  FakeService radvd(dir_, "radvd");
  ASSERT_TRUE(WaitForProcessName(radvd.pid(), "radvd"));
  auto check = Build("services: [radvd]\n");
  ASSERT_NE(check, nullptr) << errors_->ToString();
  auto result = check->Run(As(Role::kMaster));
  EXPECT_EQ(result.status, CheckStatus::kOk) << result.summary;
  EXPECT_EQ(result.details["services"][0]["running"], true);
}

TEST_F(ServicesCheckTest, ServiceRunningOnBackupFailsNamingThePid) {
  const std::string name = "rv" + suffix_;
  FakeService radvd(dir_, name);
  ASSERT_TRUE(WaitForProcessName(radvd.pid(), name));
  auto check = Build(OneService(name));
  ASSERT_NE(check, nullptr) << errors_->ToString();
  auto result = check->Run(As(Role::kBackup));
  EXPECT_EQ(result.status, CheckStatus::kFail);
  EXPECT_NE(result.summary.find("radvd runs on BACKUP (pid " +
                                std::to_string(radvd.pid()) + ")"),
            std::string::npos)
      << result.summary;
}

TEST_F(ServicesCheckTest, StoppedServiceOnBackupIsOkAndOnMasterFails) {
  const std::string name = "rv" + suffix_;
  auto check = Build(OneService(name));
  ASSERT_NE(check, nullptr) << errors_->ToString();
  EXPECT_EQ(check->Run(As(Role::kBackup)).status, CheckStatus::kOk);
  auto on_master = check->Run(As(Role::kMaster));
  EXPECT_EQ(on_master.status, CheckStatus::kFail);
  EXPECT_EQ(on_master.summary, "radvd is not running on MASTER");
}

TEST_F(ServicesCheckTest, ServiceGoneAfterKillIsSeenAsStopped) {
  const std::string name = "rv" + suffix_;
  FakeService radvd(dir_, name);
  ASSERT_TRUE(WaitForProcessName(radvd.pid(), name));
  auto check = Build(OneService(name));
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->Run(As(Role::kMaster)).status, CheckStatus::kOk);
  radvd.Stop();
  EXPECT_EQ(check->Run(As(Role::kMaster)).status, CheckStatus::kFail);
}

TEST_F(ServicesCheckTest, LivePidfileIsPreferredOverTheProcessTable) {
  const std::string name = "rv" + suffix_;
  FakeService radvd(dir_, name);
  ASSERT_TRUE(WaitForProcessName(radvd.pid(), name));
  const fs::path pidfile = dir_ / "radvd.pid";
  std::ofstream(pidfile) << radvd.pid() << "\n";
  auto check = Build(OneService(name, ", pidfile: " + pidfile.string()));
  ASSERT_NE(check, nullptr) << errors_->ToString();
  auto result = check->Run(As(Role::kMaster));
  EXPECT_EQ(result.status, CheckStatus::kOk);
  EXPECT_EQ(result.details["services"][0]["found_by"], "pidfile");
  EXPECT_EQ(result.details["services"][0]["pid"], radvd.pid());
}

TEST_F(ServicesCheckTest, StalePidfileOfAnotherProcessDoesNotCountAsRunning) {
  const std::string name = "rv" + suffix_;
  const fs::path pidfile = dir_ / "radvd.pid";
  std::ofstream(pidfile) << getpid() << "\n";  // alive, but not "rv..."
  auto check = Build(OneService(name, ", pidfile: " + pidfile.string()));
  ASSERT_NE(check, nullptr) << errors_->ToString();
  EXPECT_EQ(check->Run(As(Role::kBackup)).status, CheckStatus::kOk);
  EXPECT_EQ(check->Run(As(Role::kMaster)).status, CheckStatus::kFail);
}

// A pidfile that is a FIFO once blocked the check's worker in open().
TEST_F(ServicesCheckTest, PidfileThatIsAFifoIsSkippedWithoutBlocking) {
  const std::string name = "rv" + suffix_;
  const fs::path pidfile = dir_ / "radvd.pid";
  ASSERT_EQ(mkfifo(pidfile.c_str(), 0600), 0);
  auto check = Build(OneService(name, ", pidfile: " + pidfile.string()));
  ASSERT_NE(check, nullptr) << errors_->ToString();
  auto run = std::async(std::launch::async,
                        [&] { return check->Run(As(Role::kMaster)).status; });
  ASSERT_EQ(run.wait_for(std::chrono::seconds(5)), std::future_status::ready)
      << "reading the pidfile blocked";
  EXPECT_EQ(run.get(), CheckStatus::kFail);  // not running: no such process
}

TEST_F(ServicesCheckTest, ExplicitAnyAcceptsBothStates) {
  const std::string name = "rv" + suffix_;
  auto check = Build("services:\n  radvd: {process: " + name +
                     ", master: any, backup: any}\n");
  ASSERT_NE(check, nullptr) << errors_->ToString();
  EXPECT_EQ(check->Run(As(Role::kMaster)).status, CheckStatus::kOk);
  EXPECT_EQ(check->Run(As(Role::kBackup)).status, CheckStatus::kOk);
}

TEST_F(ServicesCheckTest, UnreadableProcessTableIsUnknown) {
  auto check = Build("proc_root: /nonexistent/proc\nservices: [radvd]\n");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->Run(As(Role::kMaster)).status, CheckStatus::kUnknown);
}

TEST_F(ServicesCheckTest, InitRoleIsUnknownNotAFailure) {
  auto check = Build("services: [radvd]\n");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->Run(As(Role::kInit)).status, CheckStatus::kUnknown);
}

TEST(ServicesRoleTable, DefaultsFollowTheSingletonSetup) {
  EXPECT_EQ(DefaultServiceRule("radvd").master, ServiceExpectation::kRunning);
  EXPECT_EQ(DefaultServiceRule("radvd").backup, ServiceExpectation::kStopped);
  EXPECT_EQ(DefaultServiceRule("dhcp6c").master, ServiceExpectation::kRunning);
  EXPECT_EQ(DefaultServiceRule("dhcp6c").backup, ServiceExpectation::kStopped);
  EXPECT_EQ(DefaultServiceRule("rtsold").master, ServiceExpectation::kAny);
  EXPECT_EQ(DefaultServiceRule("rtsold").backup, ServiceExpectation::kStopped);
  EXPECT_EQ(DefaultServiceRule("radvd").pidfile, "/var/run/radvd.pid");
}

TEST_F(ServicesCheckTest, BadExpectationIsAConfigErrorWithPosition) {
  auto check = Build("services:\n  radvd: {master: sometimes}\n");
  EXPECT_EQ(errors_->all().size(), 1u);
  EXPECT_NE(errors_->ToString().find("test.yml:2:"), std::string::npos)
      << errors_->ToString();
  EXPECT_NE(errors_->ToString().find("running, stopped or any"),
            std::string::npos);
}

TEST_F(ServicesCheckTest, UnknownServiceKeyIsRejected) {
  Build("services:\n  radvd: {pidfil: /var/run/radvd.pid}\n");
  EXPECT_NE(errors_->ToString().find("pidfil"), std::string::npos)
      << errors_->ToString();
}

TEST_F(ServicesCheckTest, MetricsCarryOneSeriesPerExpectedState) {
  auto check = Build(OneService("rv" + suffix_));
  ASSERT_NE(check, nullptr);
  auto result = check->Run(As(Role::kBackup));
  ASSERT_EQ(result.metrics.size(), 2u);
  EXPECT_EQ(result.metrics[0].name, "ipv6_ha_services_running");
  EXPECT_EQ(result.metrics[1].name, "ipv6_ha_services_expected_state");
  EXPECT_EQ(result.metrics[1].metric.size(), 3u);
}

TEST(ProcessTableName, TruncatedKernelNameMatchesLongServiceName) {
  EXPECT_TRUE(ProcessTable::NameMatches("radvd", "radvd"));
  EXPECT_FALSE(ProcessTable::NameMatches("radvd", "radvdx"));
  EXPECT_TRUE(
      ProcessTable::NameMatches("a_very_long_ser", "a_very_long_service_name"));
  EXPECT_FALSE(
      ProcessTable::NameMatches("a_very_long", "a_very_long_service_name"));
}

}  // namespace
}  // namespace ipv6ha
