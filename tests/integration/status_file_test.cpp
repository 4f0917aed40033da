// The daemon's status file (`status_file:`), against the real binary: it
// appears at start, is the document of GET /api/v1/status plus its write
// time, is rewritten while the daemon runs, follows a reload, disappears on a
// clean stop, and stays behind (stale) after kill -9.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "tests/support/exporter_process.h"

namespace ipv6ha {
namespace {

using ::ipv6ha::testing::ExporterProcess;
using ::ipv6ha::testing::FreePort;
using ::ipv6ha::testing::HttpGet;
using ::ipv6ha::testing::TempDir;
using ::ipv6ha::testing::WaitFor;
using namespace std::chrono_literals;

nlohmann::json ReadJsonFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return nullptr;
  std::stringstream buf;
  buf << in.rdbuf();
  return nlohmann::json::parse(buf.str(), nullptr, false);
}

std::set<std::string> Keys(const nlohmann::json& j) {
  std::set<std::string> out;
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) out.insert(k);
  }
  return out;
}

class StatusFileTest : public ::testing::Test {
 protected:
  std::string ConfigWith(const std::string& status_file) {
    return "listen: [\"127.0.0.1:" + std::to_string(port_) +
           "\"]\n"
           "node: {name: fw1}\n"
           "role: {source: static, static: master}\n"
           "status_file: \"" +
           status_file +
           "\"\n"
           "checks:\n  radvd_running: {type: command, argv: [/bin/true], "
           "interval: 200ms, weight: 60}\n"
           "demotion: {enabled: true, sink: none}\n";
  }
  void Start() {
    port_ = FreePort();
    status_file_ = (dir_.path() / "run" / "status.json").string();
    config_ = dir_.Write("c.yml", ConfigWith(status_file_));
    exporter_ = std::make_unique<ExporterProcess>(
        std::vector<std::string>{"--config", config_});
    ASSERT_TRUE(exporter_->WaitReady(port_)) << exporter_->Log();
    ASSERT_TRUE(
        WaitFor([&] { return ReadJsonFile(status_file_).is_object(); }, 10s))
        << exporter_->Log();
  }
  nlohmann::json Api() {
    auto r = HttpGet("127.0.0.1", port_, "/api/v1/status");
    if (!r || r->status != 200) return nullptr;
    return nlohmann::json::parse(r->body, nullptr, false);
  }

  TempDir dir_;
  int port_ = 0;
  std::string status_file_, config_;
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(StatusFileTest, FileHoldsTheApiDocumentPlusItsWriteTime) {
  Start();
  // Once the check has run, both show it with the same state.
  ASSERT_TRUE(WaitFor(
      [&] {
        auto doc = ReadJsonFile(status_file_);
        return doc.is_object() && doc["checks"].size() == 1 &&
               doc["checks"][0].value("runs", 0) > 0;
      },
      10s));
  const auto file = ReadJsonFile(status_file_);
  const auto api = Api();
  ASSERT_TRUE(api.is_object());
  auto expected_keys = Keys(api);
  expected_keys.insert({"written_at", "written_at_unix"});
  EXPECT_EQ(Keys(file), expected_keys) << file.dump(2);
  EXPECT_EQ(file["node"], api["node"]);
  EXPECT_EQ(file["role"], api["role"]);
  EXPECT_EQ(file["version"], api["version"]);
  EXPECT_EQ(Keys(file["controller"]), Keys(api["controller"]));
  ASSERT_EQ(file["checks"].size(), api["checks"].size());
  EXPECT_EQ(Keys(file["checks"][0]), Keys(api["checks"][0]));
  EXPECT_EQ(file["checks"][0]["name"], "radvd_running");
  EXPECT_EQ(file["checks"][0]["status"], "ok");
  EXPECT_EQ(file["controller"]["desired"], 0);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  EXPECT_NEAR(file["written_at_unix"].get<double>(), now, 3);

  struct stat st {};
  ASSERT_EQ(stat(status_file_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_TRUE(S_ISREG(st.st_mode));
}

TEST_F(StatusFileTest, FileIsRewrittenWhileTheDaemonRuns) {
  Start();
  const auto first = ReadJsonFile(status_file_);
  const auto written = first["written_at_unix"].get<long long>();
  // At least once a second: within 3 s the write time moves on, and the
  // check's run count with it.
  ASSERT_TRUE(WaitFor(
      [&] {
        auto doc = ReadJsonFile(status_file_);
        return doc.is_object() &&
               doc["written_at_unix"].get<long long>() > written;
      },
      3500ms));
  const auto later = ReadJsonFile(status_file_);
  EXPECT_GT(later["checks"][0].value("runs", 0),
            first["checks"][0].value("runs", 0));
}

TEST_F(StatusFileTest, CleanStopRemovesTheFile) {
  Start();
  ASSERT_TRUE(std::filesystem::exists(status_file_));
  EXPECT_EQ(exporter_->Stop(), 0) << exporter_->Log();
  EXPECT_FALSE(std::filesystem::exists(status_file_));
  // Nor any temporary file of the writer.
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path() / "run"));
}

TEST_F(StatusFileTest, KillNineLeavesTheLastFileBehindGrowingStale) {
  Start();
  exporter_->Signal(SIGKILL);
  ASSERT_TRUE(WaitFor([&] { return !exporter_->Running(); }, 5s));
  const auto left = ReadJsonFile(status_file_);
  ASSERT_TRUE(left.is_object()) << "a whole document, never a torn one";
  EXPECT_EQ(left["node"], "fw1");
  std::this_thread::sleep_for(2s);
  const auto again = ReadJsonFile(status_file_);
  EXPECT_EQ(again["written_at_unix"], left["written_at_unix"])
      << "nobody rewrites it: its age tells a reader the daemon is gone";
}

TEST_F(StatusFileTest, ReloadMovesOrRemovesTheFile) {
  Start();
  const std::string moved = (dir_.path() / "elsewhere" / "s.json").string();
  dir_.Write("c.yml", ConfigWith(moved));
  exporter_->Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return ReadJsonFile(moved).is_object(); }, 10s))
      << exporter_->Log();
  EXPECT_TRUE(
      WaitFor([&] { return !std::filesystem::exists(status_file_); }, 5s));

  dir_.Write("c.yml", ConfigWith(""));
  exporter_->Signal(SIGHUP);
  EXPECT_TRUE(WaitFor([&] { return !std::filesystem::exists(moved); }, 10s))
      << exporter_->Log();
  EXPECT_TRUE(exporter_->Running());
}

TEST(StatusFileOffTest, NoStatusFileKeyWritesNothing) {
#ifdef __FreeBSD__
  GTEST_SKIP() << "on FreeBSD the status file is on by default";
#endif
  TempDir dir;
  const int port = FreePort();
  const std::string cfg =
      dir.Write("c.yml", "listen: [\"127.0.0.1:" + std::to_string(port) +
                             "\"]\n"
                             "role: {source: static, static: master}\n");
  ExporterProcess exporter({"--config", cfg});
  ASSERT_TRUE(exporter.WaitReady(port)) << exporter.Log();
  EXPECT_EQ(exporter.Log().find("status document"), std::string::npos)
      << exporter.Log();
}

}  // namespace
}  // namespace ipv6ha
