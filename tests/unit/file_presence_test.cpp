#include "exporter/platform/file_presence.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "exporter/platform/host_name.h"
#include "exporter/platform/local_time.h"

namespace ipv6ha {
namespace {

namespace fs = std::filesystem;

class FilePresenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("file_presence_test." + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << "x";
    return path;
  }
  fs::path dir_;
};

TEST_F(FilePresenceTest, OnlyAMissingPathIsAbsent) {
  EXPECT_TRUE(PathIsAbsent((dir_ / "missing").string()));
  EXPECT_FALSE(PathIsAbsent(Write("present")));
  EXPECT_FALSE(PathIsAbsent(dir_.string()));
}

TEST_F(FilePresenceTest, RemovingIsIdempotentAndFailuresNameThePath) {
  const std::string path = Write("status.json");
  ASSERT_TRUE(RemoveFileIfPresent(path).ok());
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(RemoveFileIfPresent(path).ok());        // already gone: no error
  auto removed = RemoveFileIfPresent(dir_.string());  // a directory
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.error().message.rfind(dir_.string() + ": ", 0), 0u)
      << removed.error().message;
}

TEST(HostNameTest, IsTheFirstLabelOfTheSystemsName) {
  char buf[256] = {};
  ASSERT_EQ(gethostname(buf, sizeof(buf) - 1), 0);
  const std::string full(buf);
  EXPECT_EQ(ShortHostName(), full.substr(0, full.find('.')));
}

TEST(LocalTimeTest, WritesSecondsWithoutAZone) {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  EXPECT_EQ(FormatLocalIso(std::chrono::system_clock::from_time_t(0)),
            "1970-01-01T00:00:00");
}

}  // namespace
}  // namespace ipv6ha
