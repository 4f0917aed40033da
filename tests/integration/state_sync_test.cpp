// Two exporters on loopback: a "MASTER" publishing its pds file through
// prefix_freshness, a "BACKUP" reading it through peer_reachability and
// comparing its own copy in state_sync. The MASTER's file changes -> the
// BACKUP's lag grows and, past max_lag, the check fails; copying the file
// over -> in sync again.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "checks/check_registry.h"
#include "tests/support/exporter_process.h"

namespace ipv6ha {
namespace {

namespace fs = std::filesystem;
using testing::ExporterProcess;
using testing::HttpGet;
using testing::TempDir;
using testing::WaitFor;

const std::string kPds =
    std::string(IPV6HA_FIXTURES) + "/state_sync/dhcp6c-pds.json";

class StateSyncPair : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* type :
         {"prefix_freshness", "peer_reachability", "state_sync"}) {
      if (FindCheckType(type) == nullptr) {
        GTEST_SKIP() << "check type " << type << " not in this build";
      }
    }
    master_pds_ = (master_dir_.path() / "dhcp6c-pds.json").string();
    backup_pds_ = (backup_dir_.path() / "dhcp6c-pds.json").string();
    fs::copy_file(kPds, master_pds_);
    fs::copy_file(kPds, backup_pds_);
    master_port_ = testing::FreePort();
    backup_port_ = testing::FreePort();
    const std::string master_config = master_dir_.Write(
        "master.yml", "listen: [\"127.0.0.1:" + std::to_string(master_port_) +
                          "\"]\n"
                          "node: {name: fw1}\n"
                          "role: {source: static, static: master}\n"
                          "checks:\n"
                          "  prefix_freshness: {pds_file: " +
                          master_pds_ + ", max_age: 1h, interval: 200ms}\n");
    const std::string backup_config = backup_dir_.Write(
        "backup.yml",
        "listen: [\"127.0.0.1:" + std::to_string(backup_port_) +
            "\"]\n"
            "node: {name: fw2}\n"
            "role: {source: static, static: backup}\n"
            "peer: {address: \"::1\", api: \"http://127.0.0.1:" +
            std::to_string(master_port_) +
            "\"}\n"
            "checks:\n"
            "  peer_reachability: {interval: 200ms, method: \"tcp:" +
            std::to_string(master_port_) +
            "\"}\n"
            "  state_sync: {pds_file: " +
            backup_pds_ +
            ", max_lag: 2s, peer_max_age: 5s, interval: 200ms}\n");
    master_ = std::make_unique<ExporterProcess>(
        std::vector<std::string>{"--config", master_config});
    backup_ = std::make_unique<ExporterProcess>(
        std::vector<std::string>{"--config", backup_config});
    ASSERT_TRUE(master_->WaitReady(master_port_)) << master_->Log();
    ASSERT_TRUE(backup_->WaitReady(backup_port_)) << backup_->Log();
  }

  nlohmann::json StateSync() {
    auto r = HttpGet("127.0.0.1", backup_port_, "/api/v1/status");
    if (!r || r->status != 200) return nlohmann::json::object();
    auto doc = nlohmann::json::parse(r->body, nullptr, false);
    if (!doc.contains("checks")) return nlohmann::json::object();
    for (const auto& c : doc["checks"]) {
      if (c.value("name", "") == "state_sync") return c;
    }
    return nlohmann::json::object();
  }
  bool WaitForState(const std::string& status,
                    std::chrono::milliseconds timeout) {
    return WaitFor([&] { return StateSync().value("status", "") == status; },
                   timeout);
  }

  TempDir master_dir_, backup_dir_;
  std::string master_pds_, backup_pds_;
  int master_port_ = 0, backup_port_ = 0;
  std::unique_ptr<ExporterProcess> master_, backup_;
};

TEST_F(StateSyncPair, LagGrowsAfterTheMasterChangesAndClearsAfterCopying) {
  ASSERT_TRUE(WaitForState("ok", std::chrono::seconds(10)))
      << StateSync().dump() << backup_->Log();
  EXPECT_EQ(StateSync()["details"].value("in_sync", false), true);

  // The MASTER gets a new prefix: its file changes, the BACKUP's does not.
  {
    std::ofstream out(master_pds_ + ".tmp");
    out << R"({"0": {"prefix": "2601:db8:2::/60", "allocations": false, "interfaces": {}}})";
  }
  fs::rename(master_pds_ + ".tmp", master_pds_);
  ASSERT_TRUE(WaitFor(
      [&] {
        auto c = StateSync();
        return c.contains("details") &&
               c["details"].value("in_sync", true) == false &&
               c["details"].value("lag_seconds", 0.0) > 0.5;
      },
      std::chrono::seconds(10)))
      << StateSync().dump();
  ASSERT_TRUE(WaitForState("fail", std::chrono::seconds(10)))
      << StateSync().dump();
  EXPECT_GT(StateSync()["details"].value("lag_seconds", 0.0), 2.0);

  // ha-singleton's sync copies the MASTER's file over.
  fs::copy_file(master_pds_, backup_pds_ + ".tmp");
  fs::rename(backup_pds_ + ".tmp", backup_pds_);
  ASSERT_TRUE(WaitForState("ok", std::chrono::seconds(10)))
      << StateSync().dump();
  EXPECT_EQ(StateSync()["details"].value("lag_seconds", -1.0), 0.0);
}

}  // namespace
}  // namespace ipv6ha
