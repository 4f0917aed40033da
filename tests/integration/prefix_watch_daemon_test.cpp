// The daemon wires CheckEnv::watch_file to a FileWatcher and the scheduler:
// a pds file replaced by rename is re-checked within one second although the
// check's interval is an hour.

#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "tests/support/exporter_process.h"
#include "tests/support/fixture_file.h"

namespace ipv6ha {
namespace {

using ipv6ha::testing::ExporterProcess;
using ipv6ha::testing::FreePort;
using ipv6ha::testing::HttpGet;
using ipv6ha::testing::ReadFixture;
using ipv6ha::testing::TempDir;
using ipv6ha::testing::WaitFor;

// The prefix of delegation 0 as the daemon last saw it ("" when unknown).
std::string Prefix0(int port) {
  auto response = HttpGet("127.0.0.1", port, "/api/v1/status");
  if (!response || response->status != 200) return "";
  auto doc = nlohmann::json::parse(response->body, nullptr, false);
  if (doc.is_discarded() || !doc.contains("checks")) return "";
  for (const auto& check : doc["checks"]) {
    if (check.value("name", "") != "prefix_freshness") continue;
    // Before the first result a check has no details (or no delegations).
    if (!check.contains("details") || !check["details"].is_object()) return "";
    const auto pds =
        check["details"].value("delegations", nlohmann::json::array());
    if (pds.is_array() && !pds.empty() && pds[0].is_object()) {
      return pds[0].value("prefix", "");
    }
  }
  return "";
}

TEST(PrefixWatchDaemonTest, RewrittenPdsFileIsRecheckedWithinOneSecond) {
  TempDir dir;
  const std::string pds =
      dir.Write("dhcp6c-pds.json", ReadFixture("pds/new_format.json"));
  const int port = FreePort();
  const std::string config =
      dir.Write("exporter.yml", "listen: \"127.0.0.1:" + std::to_string(port) +
                                    "\"\n"
                                    "node: {name: fw1}\n"
                                    "role: {source: static, static: backup}\n"
                                    "checks:\n"
                                    "  prefix_freshness: {pds_file: " +
                                    pds +
                                    ", interval: 1h}\n"
                                    "demotion: {enabled: false}\n");
  ExporterProcess exporter({"--config", config});
  ASSERT_TRUE(exporter.WaitReady(port)) << exporter.Log();
  ASSERT_TRUE(WaitFor([&] { return Prefix0(port) == "2001:db8:aa00::/56"; },
                      std::chrono::seconds(5)))
      << exporter.Log();

  const std::string tmp =
      dir.Write("dhcp6c-pds.json.tmp", ReadFixture("pds/pd0_renumbered.json"));
  ASSERT_EQ(std::rename(tmp.c_str(), pds.c_str()), 0);
  EXPECT_TRUE(WaitFor([&] { return Prefix0(port) == "2001:db8:dd00::/56"; },
                      std::chrono::seconds(1)))
      << exporter.Log();
  EXPECT_NE(exporter.Log().find("prefix delegation 0 changed from "
                                "2001:db8:aa00::/56 to 2001:db8:dd00::/56"),
            std::string::npos)
      << exporter.Log();
}

}  // namespace
}  // namespace ipv6ha
