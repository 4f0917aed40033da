#include "exporter/platform/bounded_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>

namespace ipv6ha {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

class BoundedFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("bounded_file_test." + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  // Reads on another thread: a read that blocks fails the test instead of
  // hanging it.
  static Expected<BoundedFile> ReadWithin(const std::string& path,
                                          std::size_t max) {
    auto f = std::async(std::launch::async,
                        [&] { return ReadBoundedFile(path, max); });
    if (f.wait_for(seconds(5)) != std::future_status::ready) {
      ADD_FAILURE() << "reading " << path << " blocked";
      std::abort();  // the reader thread cannot be cancelled
    }
    return f.get();
  }
  fs::path dir_;
};

TEST_F(BoundedFileTest, ReadsARegularFile) {
  auto f = ReadBoundedFile(Write("a", "hello\n"), 100);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->content, "hello\n");
  EXPECT_EQ(f->size, 6u);
  EXPECT_FALSE(f->first_invalid_utf8);
}

TEST_F(BoundedFileTest, AFifoIsRefusedWithoutWaitingForAWriter) {
  const std::string path = (dir_ / "fifo").string();
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  auto f = ReadWithin(path, 100);
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().message, path + ": not a regular file");
}

TEST_F(BoundedFileTest, ADeviceBehindASymlinkIsRefusedBeforeAnyRead) {
  for (const char* device : {"/dev/zero", "/dev/urandom"}) {
    const fs::path link = dir_ / fs::path(device).filename();
    fs::create_symlink(device, link);
    auto f = ReadWithin(link.string(), 1 << 20);
    ASSERT_FALSE(f) << device;
    EXPECT_EQ(f.error().message, link.string() + ": not a regular file");
  }
}

TEST_F(BoundedFileTest, AFileAboveTheBoundIsRefusedBeforeReading) {
  auto f = ReadBoundedFile(Write("big", std::string(2000, 'x')), 1000);
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().message.find("is 2000 bytes, more than the 1000 allowed"),
            std::string::npos);
}

TEST_F(BoundedFileTest, TextIsRepairedToValidUtf8AndTheFirstBadByteNamed) {
  auto f = ReadBoundedFile(Write("t",
                                 "{\"0\": \"ig\xff\xfe"
                                 "0\"}"),
                           100);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->content,
            "{\"0\": \"ig\xEF\xBF\xBD\xEF\xBF\xBD"
            "0\"}");
  ASSERT_TRUE(f->first_invalid_utf8);
  EXPECT_EQ(*f->first_invalid_utf8, 9u);
  EXPECT_EQ(f->size, 14u);  // bytes on disk
}

TEST_F(BoundedFileTest, BytesAreReturnedAsOnDisk) {
  auto f = ReadBoundedFile(Write("s", "se\xffret"), 100, FileContent::kBytes);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->content, "se\xffret");
}

TEST_F(BoundedFileTest, AModificationTimeBeyond2262SaturatesInsteadOfWrapping) {
  const std::string path = Write("future", "{}");
  // 2300-01-01: nanoseconds since 1970 no longer fit in 64 bits.
  const timespec times[2] = {{10413792000, 0}, {10413792000, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  auto f = ReadBoundedFile(path, 100);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->mtime, std::chrono::system_clock::time_point::max());
  EXPECT_GT(f->mtime, std::chrono::system_clock::now());
}

}  // namespace
}  // namespace ipv6ha
