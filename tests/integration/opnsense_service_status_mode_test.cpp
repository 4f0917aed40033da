// OPNsense's service status mode end to end: the real exporter with
// `demotion.sink: none` and a status file runs the configured trigger (a
// fake configctl) when its decision changes, and only after the status file
// holds the new decision, so the service status script that configctl makes
// OPNsense run reads the new answer.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "checks/check_registry.h"
#include "tests/integration/carp_status_exporter.h"
#include "tests/support/exporter_process.h"

namespace ipv6ha {
namespace {

namespace fs = std::filesystem;
using testing::CarpServiceStatusAgainstExporter;

class ServiceStatusMode : public CarpServiceStatusAgainstExporter {
 protected:
  // A check that fails while `fault_` exists; a fake configctl that records
  // its arguments and a copy of the status file as it was when it ran.
  void StartInServiceStatusMode() {
    fault_ = (dir_.path() / "fault").string();
    calls_ = dir_.path() / "calls";
    fs::create_directories(calls_);
    const std::string status = (dir_.path() / "run" / "status.json").string();
    fs::create_directories(dir_.path() / "run");
    const std::string fake = dir_.Write("configctl",
                                        "#!/bin/sh\n"
                                        "n=$(ls '" +
                                            calls_.string() +
                                            "' | grep -c args)\n"
                                            "echo \"$*\" > '" +
                                            calls_.string() +
                                            "'/$n.args\n"
                                            "cp '" +
                                            status + "' '" + calls_.string() +
                                            "'/$n.status 2>/dev/null\n"
                                            // The fourth run is still going
                                            // when the stop lands.
                                            "[ $n -ne 3 ] || exec sleep 30\n");
    chmod(fake.c_str(), 0755);
    status_file_ = status;
    Start("/bin/sh, -c, \"test ! -e " + fault_ + "\"", /*with_peer=*/true,
          /*secured=*/false,
          "status_file: " + status + "\ncommands: {configctl: " + fake +
              "}\nservice_status_trigger: {timeout: 5s, retry: 1s}\n");
  }
  // The desired contribution in the status file at each trigger run.
  std::vector<int> DesiredAtEachRun() const {
    std::vector<int> out;
    for (int n = 0;; ++n) {
      const fs::path copy = calls_ / (std::to_string(n) + ".status");
      if (!fs::exists(copy)) break;
      std::ifstream in(copy);
      auto doc = nlohmann::json::parse(in, nullptr, false);
      out.push_back(doc.is_object() && doc.contains("controller")
                        ? doc["controller"].value("desired", -1)
                        : -1);
    }
    return out;
  }

  std::string fault_;
  fs::path calls_;
};

TEST_F(ServiceStatusMode, DecisionChangesRunTheTriggerAfterTheFileHasThem) {
  if (FindCheckType("peer_reachability") == nullptr) {
    GTEST_SKIP() << "check type peer_reachability not in this build";
  }
  StartInServiceStatusMode();
  // The first decision (healthy) is told at once.
  ASSERT_TRUE(testing::WaitFor([&] { return DesiredAtEachRun().size() == 1; },
                               std::chrono::seconds(10)))
      << exporter_->Log();
  EXPECT_EQ(DesiredAtEachRun()[0], 0);
  std::ifstream args(calls_ / "0.args");
  std::string line;
  std::getline(args, line);
  EXPECT_EQ(line, "interface update carp service_status");

  std::ofstream(fault_).put('x');  // a local fault: demote
  ASSERT_TRUE(testing::WaitFor([&] { return DesiredAtEachRun().size() == 2; },
                               std::chrono::seconds(10)))
      << Status()["controller"].dump() << "\n"
      << exporter_->Log();
  EXPECT_EQ(DesiredAtEachRun()[1], 60)
      << "configctl ran before the status file had the new decision";

  fs::remove(fault_);  // recovery: after rise and hold_down, healthy again
  ASSERT_TRUE(testing::WaitFor([&] { return DesiredAtEachRun().size() == 3; },
                               std::chrono::seconds(15)))
      << Status().dump();
  EXPECT_EQ(DesiredAtEachRun()[2], 0);

  auto metrics = testing::HttpGet("127.0.0.1", port_, "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find(
                "ipv6_ha_service_status_trigger_runs_total{result=\"ok\"} 3"),
            std::string::npos)
      << metrics->body;

  // A clean stop removes the status file (the script then says "not
  // demoting") and tells OPNsense once more, so it drops any 2^20 of ours:
  // even though the stop killed the "demote" run still going (that run may
  // have reached OPNsense, so "not demoting" must follow it).
  std::ofstream(fault_).put('x');
  ASSERT_TRUE(testing::WaitFor([&] { return DesiredAtEachRun().size() == 4; },
                               std::chrono::seconds(10)));
  EXPECT_EQ(DesiredAtEachRun()[3], 60);
  EXPECT_EQ(exporter_->Stop(), 0) << exporter_->Log();
  EXPECT_TRUE(fs::exists(calls_ / "4.args")) << exporter_->Log();
  EXPECT_FALSE(fs::exists(calls_ / "4.status"))
      << "the last run came before the status file was removed";
}

}  // namespace
}  // namespace ipv6ha
