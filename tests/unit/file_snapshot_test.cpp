// FileSnapshotTable decides, for FreeBSD's kqueue watcher, which watched file
// of a changed directory changed. The comparison is portable, so it is tested
// here on real files.
#include "exporter/platform/file_snapshot.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace ipv6ha {
namespace {

class FileSnapshotTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("file_snapshot_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "pds.json").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& path, const std::string& content) {
    std::ofstream(path, std::ios::trunc) << content;
  }
  // Sets the mtime explicitly, so two writes within one clock tick differ.
  void SetMtime(const std::string& path, long seconds, long nanoseconds) {
    const struct timespec times[2] = {{seconds, nanoseconds},
                                      {seconds, nanoseconds}};
    ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  }

  std::filesystem::path dir_;
  std::string path_;
  FileSnapshotTable table_;
};

TEST_F(FileSnapshotTableTest, UntouchedFileIsNotAChange) {
  Write(path_, "{}");
  table_.Remember(path_);
  EXPECT_FALSE(table_.Changed(path_));
  EXPECT_FALSE(table_.Changed(path_));
}

TEST_F(FileSnapshotTableTest, CreatedAndRemovedFilesAreChanges) {
  table_.Remember(path_);  // absent
  EXPECT_FALSE(table_.Changed(path_));
  Write(path_, "{}");
  EXPECT_TRUE(table_.Changed(path_));
  std::filesystem::remove(path_);
  EXPECT_TRUE(table_.Changed(path_));
  EXPECT_FALSE(table_.Changed(path_));
}

TEST_F(FileSnapshotTableTest, InPlaceWriteOfTheSameSizeIsSeenByItsMtime) {
  Write(path_, "{\"a\":1}");
  SetMtime(path_, 1700000000, 1);
  table_.Remember(path_);
  Write(path_, "{\"a\":2}");
  SetMtime(path_, 1700000000, 2);  // one nanosecond later, same size
  EXPECT_TRUE(table_.Changed(path_));
}

TEST_F(FileSnapshotTableTest, ReplacementByRenameIsSeenByItsInode) {
  Write(path_, "{}");
  SetMtime(path_, 1700000000, 0);
  table_.Remember(path_);
  const std::string tmp = (dir_ / "pds.json.tmp").string();
  Write(tmp, "{}");
  SetMtime(tmp, 1700000000, 0);  // same size, same mtime: only the inode
  ASSERT_EQ(std::rename(tmp.c_str(), path_.c_str()), 0);
  EXPECT_TRUE(table_.Changed(path_));
}

TEST_F(FileSnapshotTableTest, APathNeverRememberedCountsAsAbsentBefore) {
  Write(path_, "{}");
  EXPECT_TRUE(table_.Changed(path_));
  const std::string other = (dir_ / "other").string();
  EXPECT_FALSE(table_.Changed(other));
}

}  // namespace
}  // namespace ipv6ha
