#include "exporter/platform/file_watcher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <vector>

#include "tests/support/exporter_process.h"

namespace ipv6ha {
namespace {

using ipv6ha::testing::TempDir;
using ipv6ha::testing::WaitFor;
using std::chrono::seconds;

// Records every callback; thread safe.
class Recorder {
 public:
  FileWatcher::Callback Callback() {
    return [this](const std::string& path) {
      std::lock_guard<std::mutex> lock(mutex_);
      paths_.push_back(path);
    };
  }
  std::size_t count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return paths_.size();
  }
  std::vector<std::string> paths() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return paths_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> paths_;
};

void WriteByRename(const TempDir& dir, const std::string& name,
                   const std::string& content) {
  const std::string tmp = dir.Write(name + ".tmp", content);
  ASSERT_EQ(std::rename(tmp.c_str(), (dir.path() / name).c_str()), 0);
}

TEST(FileWatcherTest, FileReplacedByRenameCallsBackWithinOneSecond) {
  TempDir dir;
  const std::string path = dir.Write("dhcp6c-pds.json", "{}");
  Recorder recorder;
  FileWatcher watcher;
  ASSERT_TRUE(watcher.Watch(path, recorder.Callback()).ok());
  WriteByRename(dir, "dhcp6c-pds.json",
                R"({"0": {"prefix": "2001:db8::/56"}})");
  EXPECT_TRUE(WaitFor([&] { return recorder.count() >= 1; }, seconds(1)));
  EXPECT_EQ(recorder.paths().at(0), path);
}

TEST(FileWatcherTest, InPlaceWriteAndDeleteCallBack) {
  TempDir dir;
  const std::string path = dir.Write("state.json", "{}");
  Recorder recorder;
  FileWatcher watcher;
  ASSERT_TRUE(watcher.Watch(path, recorder.Callback()).ok());
  dir.Write("state.json", "{\"a\": 1}");
  ASSERT_TRUE(WaitFor([&] { return recorder.count() >= 1; }, seconds(1)));
  const std::size_t before = recorder.count();
  std::filesystem::remove(path);
  EXPECT_TRUE(WaitFor([&] { return recorder.count() > before; }, seconds(1)));
}

TEST(FileWatcherTest, FileCreatedLaterIsSeen) {
  TempDir dir;
  Recorder recorder;
  FileWatcher watcher;
  ASSERT_TRUE(
      watcher.Watch((dir.path() / "late.json").string(), recorder.Callback())
          .ok());
  WriteByRename(dir, "late.json", "{}");
  EXPECT_TRUE(WaitFor([&] { return recorder.count() >= 1; }, seconds(1)));
}

TEST(FileWatcherTest, OtherFilesInTheDirectoryAreIgnored) {
  TempDir dir;
  const std::string path = dir.Write("watched.json", "{}");
  Recorder recorder;
  FileWatcher watcher;
  ASSERT_TRUE(watcher.Watch(path, recorder.Callback()).ok());
  dir.Write("other.json", "{}");
  WriteByRename(dir, "unrelated.json", "{}");
  // Events arrive in order: once ours is seen, the others were processed.
  WriteByRename(dir, "watched.json", "{}");
  ASSERT_TRUE(WaitFor([&] { return recorder.count() >= 1; }, seconds(1)));
  for (const auto& p : recorder.paths()) EXPECT_EQ(p, path);
}

TEST(FileWatcherTest, TwoWatchesOnOneFileBothFire) {
  TempDir dir;
  const std::string path = dir.Write("pds.json", "{}");
  Recorder first, second;
  FileWatcher watcher;
  ASSERT_TRUE(watcher.Watch(path, first.Callback()).ok());
  ASSERT_TRUE(watcher.Watch(path, second.Callback()).ok());
  WriteByRename(dir, "pds.json", "{\"b\": 2}");
  EXPECT_TRUE(WaitFor([&] { return first.count() >= 1 && second.count() >= 1; },
                      seconds(1)));
}

TEST(FileWatcherTest, MissingDirectoryIsAnErrorWithTheReason) {
  FileWatcher watcher;
  auto status = watcher.Watch("/nonexistent-ipv6ha-dir/pds.json",
                              [](const std::string&) {});
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("/nonexistent-ipv6ha-dir"),
            std::string::npos)
      << status.error().message;
}

TEST(FileWatcherTest, DestructionStopsCallbacks) {
  TempDir dir;
  const std::string path = dir.Write("x.json", "{}");
  auto recorder = std::make_shared<Recorder>();
  {
    FileWatcher watcher;
    ASSERT_TRUE(watcher.Watch(path, recorder->Callback()).ok());
  }
  dir.Write("x.json", "{\"c\": 3}");
  EXPECT_EQ(recorder->count(), 0u);
}

}  // namespace
}  // namespace ipv6ha
