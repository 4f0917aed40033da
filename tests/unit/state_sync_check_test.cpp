// state_sync against crafted peer status documents (fixtures shaped like the
// MASTER's /api/v1/status) and a real local pds file.

#include "checks/state_sync_check.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/peer_document.h"

namespace ipv6ha {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;
using SystemClock = std::chrono::system_clock;

const std::string kFixtures = std::string(IPV6HA_FIXTURES) + "/state_sync/";
// mtime_unix of the MASTER's file in peer_status_master.json.
const SystemClock::time_point kPeerMtime =
    SystemClock::time_point(std::chrono::milliseconds(1756463400200));

std::string ReadFixture(const std::string& name) {
  std::ifstream in(kFixtures + name);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class StateSyncCheckTest : public ::testing::Test {
 protected:
  StateSyncCheckTest() {
    char tmpl[] = "/tmp/ipv6ha-state-sync-XXXXXX";
    dir_ = mkdtemp(tmpl);
    pds_ = (dir_ / "dhcp6c-pds.json").string();
    peer_ = std::make_shared<PeerView>();
  }
  ~StateSyncCheckTest() override { fs::remove_all(dir_); }

  void CopyMastersFile() { fs::copy_file(kFixtures + "dhcp6c-pds.json", pds_); }
  void WriteOtherContent() {
    std::ofstream(pds_)
        << R"({"0": {"prefix": "2601:db8:9::/60", "allocations": false, "interfaces": {}}})";
  }
  void PeerSays(const std::string& fixture,
                std::chrono::steady_clock::duration age = seconds(1)) {
    PeerSnapshot snap;
    snap.reachable = true;
    snap.api_ok = true;
    snap.status =
        testing::PeerDocument(nlohmann::json::parse(ReadFixture(fixture)));
    snap.fetched_at = std::chrono::steady_clock::now() - age;
    peer_->Update(std::move(snap));
  }
  // A check whose wall clock stands `after` past the MASTER's last write.
  std::unique_ptr<StateSyncCheck> Build(SystemClock::duration after,
                                        std::string extra_yaml = "") {
    errors_ = std::make_unique<ConfigErrors>("test.yml");
    ConfigReader reader(
        YAML::Load("pds_file: " + pds_ + "\nmax_lag: 5m\n" + extra_yaml),
        "checks.state_sync", errors_.get());
    CheckSettings settings;
    settings.name = "state_sync";
    auto made = StateSyncCheckRegistration().create(
        reader, CheckEnv{{}, "fw2", peer_, {}}, settings);
    EXPECT_NE(made, nullptr) << errors_->ToString();
    // Rebuild with an injected clock; the registry path above proves parsing.
    StateSyncConfig config;
    config.pds_file = pds_;
    config.max_lag = seconds(300);
    wall_now_ = kPeerMtime + after;
    return std::make_unique<StateSyncCheck>(config, settings, peer_);
  }
  // A run on a BACKUP whose wall clock is the one Build() set.
  RunContext Backup() const {
    const auto steady = std::chrono::steady_clock::now();
    return {Role::kBackup, steady + seconds(5), false, wall_now_, steady};
  }
  static double Metric(const CheckResult& r, const std::string& name) {
    for (const auto& f : r.metrics) {
      if (f.name == name) return f.metric.at(0).gauge.value;
    }
    ADD_FAILURE() << "no metric " << name;
    return -1;
  }

  fs::path dir_;
  std::string pds_;
  std::shared_ptr<PeerView> peer_;
  std::unique_ptr<ConfigErrors> errors_;
  SystemClock::time_point wall_now_;
};

TEST_F(StateSyncCheckTest, SameContentAsTheMasterIsOkWithZeroLag) {
  CopyMastersFile();
  PeerSays("peer_status_master.json");
  auto result = Build(seconds(3600))->Run(Backup());
  EXPECT_EQ(result.status, CheckStatus::kOk) << result.summary;
  EXPECT_EQ(result.details["in_sync"], true);
  EXPECT_EQ(Metric(result, "ipv6_ha_state_sync_lag_seconds"), 0);
  EXPECT_EQ(Metric(result, "ipv6_ha_state_sync_in_sync"), 1);
  EXPECT_EQ(result.details["local"]["last_run"], "2025-08-29T10:30:00.123456");
}

TEST_F(StateSyncCheckTest, DifferentContentWithinMaxLagIsOkAndReportsTheLag) {
  WriteOtherContent();
  PeerSays("peer_status_master.json");
  auto result = Build(seconds(60))->Run(Backup());
  EXPECT_EQ(result.status, CheckStatus::kOk) << result.summary;
  EXPECT_NEAR(Metric(result, "ipv6_ha_state_sync_lag_seconds"), 60, 0.01);
  EXPECT_EQ(Metric(result, "ipv6_ha_state_sync_in_sync"), 0);
}

TEST_F(StateSyncCheckTest, DifferentContentBeyondMaxLagFails) {
  WriteOtherContent();
  PeerSays("peer_status_master.json");
  auto result = Build(seconds(301))->Run(Backup());
  EXPECT_EQ(result.status, CheckStatus::kFail);
  EXPECT_EQ(result.summary,
            "prefix state differs from the MASTER's for 301s (max_lag 5m)");
}

TEST_F(StateSyncCheckTest, MissingLocalCopyFails) {
  PeerSays("peer_status_master.json");
  auto result = Build(seconds(1))->Run(Backup());
  EXPECT_EQ(result.status, CheckStatus::kFail);
  EXPECT_NE(result.summary.find("no local copy"), std::string::npos);
}

TEST_F(StateSyncCheckTest, NoPeerStatusYetIsUnknown) {
  CopyMastersFile();
  auto result = Build(seconds(1))->Run(Backup());
  EXPECT_EQ(result.status, CheckStatus::kUnknown);
  EXPECT_TRUE(result.metrics.empty());
}

TEST_F(StateSyncCheckTest, OldPeerStatusIsUnknown) {
  CopyMastersFile();
  PeerSays("peer_status_master.json", seconds(31));
  auto result = Build(seconds(1))->Run(Backup());
  EXPECT_EQ(result.status, CheckStatus::kUnknown);
  EXPECT_NE(result.summary.find("31s old"), std::string::npos)
      << result.summary;
}

TEST_F(StateSyncCheckTest, PeerApiFailureIsUnknownWithItsReason) {
  CopyMastersFile();
  PeerSnapshot snap;
  snap.reachable = true;
  snap.error = "GET /api/v1/status: connection refused";
  snap.fetched_at = std::chrono::steady_clock::now();
  peer_->Update(snap);
  auto result = Build(seconds(1))->Run(Backup());
  EXPECT_EQ(result.status, CheckStatus::kUnknown);
  EXPECT_NE(result.summary.find("connection refused"), std::string::npos);
}

TEST_F(StateSyncCheckTest, PeerThatIsNotMasterIsUnknown) {
  WriteOtherContent();
  PeerSays("peer_status_backup.json");
  auto result = Build(seconds(3600))->Run(Backup());
  EXPECT_EQ(result.status, CheckStatus::kUnknown);
  EXPECT_NE(result.summary.find("peer is backup"), std::string::npos);
}

TEST_F(StateSyncCheckTest, PeerWithoutFileHashIsUnknown) {
  CopyMastersFile();
  PeerSays("peer_status_master_without_file.json");
  auto result = Build(seconds(1))->Run(Backup());
  EXPECT_EQ(result.status, CheckStatus::kUnknown);
  EXPECT_NE(result.summary.find("no hash"), std::string::npos);
}

TEST_F(StateSyncCheckTest, UnreadableLocalFileIsUnknown) {
  if (geteuid() == 0) {
    fs::create_directory(pds_);  // root reads any file; a directory it cannot
  } else {
    CopyMastersFile();
    chmod(pds_.c_str(), 0);
  }
  PeerSays("peer_status_master.json");
  EXPECT_EQ(Build(seconds(1))->Run(Backup()).status, CheckStatus::kUnknown);
}

TEST_F(StateSyncCheckTest, AppliesOnlyOnBackup) {
  const auto reg = StateSyncCheckRegistration();
  EXPECT_TRUE(reg.roles.Contains(Role::kBackup));
  EXPECT_FALSE(reg.roles.Contains(Role::kMaster));
  EXPECT_FALSE(reg.roles.Contains(Role::kUnknown));
  EXPECT_EQ(reg.scope, Scope::kLocal);
}

TEST_F(StateSyncCheckTest, RelativePdsPathIsAConfigError) {
  ConfigErrors errors("test.yml");
  ConfigReader reader(YAML::Load("pds_file: dhcp6c-pds.json\n"),
                      "checks.state_sync", &errors);
  auto check =
      StateSyncCheckRegistration().create(reader, CheckEnv{}, CheckSettings{});
  EXPECT_EQ(check, nullptr);
  EXPECT_NE(errors.ToString().find("test.yml:1:"), std::string::npos)
      << errors.ToString();
}

}  // namespace
}  // namespace ipv6ha
