#include "exporter/status_file_writer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/manual_clock.h"

namespace ipv6ha {
namespace {

using namespace std::chrono_literals;

class StatusFileWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/status_file_writer_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = (dir_ / "run" / "status.json").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  StatusFileWriter::Build Counting() {
    return [this] {
      return nlohmann::json{{"node", "fw1"}, {"build", ++builds_}};
    };
  }
  nlohmann::json ReadDoc() const {
    std::ifstream in(path_);
    std::stringstream buf;
    buf << in.rdbuf();
    return nlohmann::json::parse(buf.str(), nullptr, false);
  }
  static bool WaitFor(const std::function<bool()>& pred,
                      std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return pred();
  }

  std::filesystem::path dir_;
  std::string path_;
  std::atomic<int> builds_{0};
};

TEST_F(StatusFileWriterTest, WritesTheDocumentWithItsWriteTimeAtStart) {
  testing::ManualClock clock;
  StatusFileWriter writer(path_, Counting(), 1s, 1h, clock);
  writer.Start();
  ASSERT_TRUE(WaitFor([&] { return writer.writes() >= 1; }, 5s));
  const auto doc = ReadDoc();
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["node"], "fw1");
  ASSERT_TRUE(doc["written_at_unix"].is_number_integer()) << doc.dump();
  EXPECT_EQ(doc["written_at_unix"].get<std::int64_t>(),
            std::chrono::duration_cast<std::chrono::seconds>(
                clock.WallNow().time_since_epoch())
                .count());
  EXPECT_EQ(doc["written_at"], "2026-12-01T12:00:00Z");
  struct stat st {};
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST_F(StatusFileWriterTest, RewritesOnEveryHeartbeat) {
  StatusFileWriter writer(path_, Counting(), 50ms, 50ms);
  writer.Start();
  EXPECT_TRUE(WaitFor([&] { return writer.writes() >= 4; }, 5s));
  EXPECT_GE(ReadDoc().value("build", 0), 2);
}

TEST_F(StatusFileWriterTest, NotifyWritesBeforeTheHeartbeat) {
  StatusFileWriter writer(path_, Counting(), 20ms, 1h);
  writer.Start();
  ASSERT_TRUE(WaitFor([&] { return writer.writes() == 1; }, 5s));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(writer.writes(), 1u)
      << "nothing changed: no write before the heartbeat";
  writer.Notify();
  EXPECT_TRUE(WaitFor([&] { return writer.writes() == 2; }, 5s));
}

TEST_F(StatusFileWriterTest,
       NotificationsNeverWriteMoreOftenThanTheMinimumInterval) {
  StatusFileWriter writer(path_, Counting(), 200ms, 1h);
  writer.Start();
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < 1s) {
    writer.Notify();
    std::this_thread::sleep_for(1ms);
  }
  // 1 s at one write per 200 ms: the first write plus at most 5 more.
  EXPECT_LE(writer.writes(), 6u);
  EXPECT_GE(writer.writes(), 3u);
}

TEST_F(StatusFileWriterTest, StopRemovesTheFile) {
  StatusFileWriter writer(path_, Counting(), 1s, 1h);
  writer.Start();
  ASSERT_TRUE(WaitFor([&] { return writer.writes() >= 1; }, 5s));
  ASSERT_TRUE(std::filesystem::exists(path_));
  writer.Stop();
  EXPECT_FALSE(std::filesystem::exists(path_));
  writer.Stop();  // idempotent
}

TEST_F(StatusFileWriterTest, DestructionRemovesTheFileToo) {
  {
    StatusFileWriter writer(path_, Counting(), 1s, 1h);
    writer.Start();
    ASSERT_TRUE(WaitFor([&] { return writer.writes() >= 1; }, 5s));
  }
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(StatusFileWriterTest, UnwritablePathCountsErrorsAndKeepsTrying) {
  // A regular file where the directory should be: even root cannot write.
  std::ofstream(dir_ / "blocker") << "x";
  StatusFileWriter writer((dir_ / "blocker" / "status.json").string(),
                          Counting(), 20ms, 20ms);
  writer.Start();
  EXPECT_TRUE(WaitFor([&] { return writer.write_errors() >= 3; }, 5s));
  EXPECT_EQ(writer.writes(), 0u);
}

TEST_F(StatusFileWriterTest, LeavesNoTemporaryFilesBehind) {
  StatusFileWriter writer(path_, Counting(), 10ms, 10ms);
  writer.Start();
  ASSERT_TRUE(WaitFor([&] { return writer.writes() >= 10; }, 5s));
  writer.Stop();
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "run"));
}

}  // namespace
}  // namespace ipv6ha
