// `cmake --install` into a staging directory with the FreeBSD prefix puts
// every service file where FreeBSD, OPNsense and systemd look for it.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/exporter_process.h"

namespace ipv6ha {
namespace {

namespace fs = std::filesystem;
using testing::RunProgram;
using testing::TempDir;

class InstallLayout : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    staging_ = new TempDir();
    install_ =
        RunProgram({"/usr/bin/env", "DESTDIR=" + staging_->path().string(),
                    IPV6HA_CMAKE_COMMAND, "--install", IPV6HA_BUILD_DIR,
                    "--prefix", "/usr/local"},
                   std::chrono::seconds(60));
  }
  static void TearDownTestSuite() {
    delete staging_;
    staging_ = nullptr;
  }
  static fs::path Staged(const std::string& path) {
    return staging_->path() / fs::path(path).relative_path();
  }
  static bool Executable(const fs::path& p) {
    struct stat st {};
    return stat(p.c_str(), &st) == 0 && (st.st_mode & S_IXUSR) != 0;
  }
  static std::string Read(const fs::path& p) {
    std::ifstream in(p);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }

  static TempDir* staging_;
  static testing::RunResult install_;
};

TempDir* InstallLayout::staging_ = nullptr;
testing::RunResult InstallLayout::install_;

TEST_F(InstallLayout, CmakeInstallSucceeds) {
  EXPECT_EQ(install_.exit_code, 0) << install_.out << install_.err;
}

TEST_F(InstallLayout, BinaryGoesToLocalSbin) {
  EXPECT_TRUE(Executable(Staged("/usr/local/sbin/ipv6_ha_exporter")));
}

TEST_F(InstallLayout, RcScriptGoesToLocalEtcRcDAndIsExecutable) {
  EXPECT_TRUE(Executable(Staged("/usr/local/etc/rc.d/ipv6_ha_exporter")));
}

TEST_F(InstallLayout, OpnsenseCarpHookGoesToSyshookCarpAndIsExecutable) {
  EXPECT_TRUE(Executable(
      Staged("/usr/local/etc/rc.syshook.d/carp/50-ipv6_ha_exporter")));
}

TEST_F(InstallLayout, OpnsenseServiceStatusScriptIsExecutable) {
  EXPECT_TRUE(Executable(
      Staged("/usr/local/etc/rc.carp_service_status.d/ipv6_ha_exporter")));
}

TEST_F(InstallLayout, ConfigdActionsGoToOpnsenseActionsD) {
  const auto actions = Staged(
      "/usr/local/opnsense/service/conf/actions.d/"
      "actions_ipv6_ha_exporter.conf");
  ASSERT_TRUE(fs::is_regular_file(actions));
  const std::string text = Read(actions);
  for (const char* action : {"[status]", "[restart]", "[check]"}) {
    EXPECT_NE(text.find(action), std::string::npos) << action;
  }
}

TEST_F(InstallLayout, SampleConfigGoesToLocalEtc) {
  EXPECT_TRUE(fs::is_regular_file(
      Staged("/usr/local/etc/ipv6_ha_exporter/ipv6_ha_exporter.yml.sample")));
}

TEST_F(InstallLayout, SystemdUnitNamesTheInstalledBinaryWithoutPlaceholders) {
  const auto unit =
      Staged("/usr/local/lib/systemd/system/ipv6_ha_exporter.service");
  ASSERT_TRUE(fs::is_regular_file(unit));
  const std::string text = Read(unit);
  EXPECT_EQ(text.find("@CMAKE_"), std::string::npos)
      << "unconfigured @VAR@ left";
  EXPECT_NE(text.find("ExecStart=/"), std::string::npos);
  EXPECT_NE(text.find("/sbin/ipv6_ha_exporter --config"), std::string::npos);
}

TEST_F(InstallLayout, NftDropInIsShippedButNotEnabled) {
  EXPECT_TRUE(fs::is_regular_file(
      Staged("/usr/local/share/ipv6_ha_exporter/systemd/nft-backend.conf")));
  EXPECT_FALSE(fs::exists(
      Staged("/usr/local/lib/systemd/system/ipv6_ha_exporter.service.d")))
      << "a drop-in beside the unit would grant CAP_NET_ADMIN to everyone";
}

}  // namespace
}  // namespace ipv6ha
