// Inputs that a fuzz target (tests/fuzz/) once crashed on or flagged, kept as
// files under tests/fuzz/regressions/<target>/ and replayed here through the
// same code, with the outcome that the fix guarantees.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "exporter/basic_auth.h"
#include "exporter/config.h"
#include "exporter/config/duration.h"

namespace ipv6ha {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path Regressions(const std::string& target) {
  return fs::path(IPV6HA_FIXTURES).parent_path() / "fuzz" / "regressions" / target;
}

TEST(FuzzRegressionTest, DurationWhosePartsSumPastTheRangeIsRejectedNotWrapped) {
  auto d = ParseDuration(ReadFile(Regressions("duration") / "sum-overflow"));
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("too large"), std::string::npos);
}

TEST(FuzzRegressionTest, LargestDurationsStillRoundTrip) {
  for (const char* text : {"7625142226w", "53375995583d", "1000000000000h"}) {
    auto d = ParseDuration(text);
    ASSERT_TRUE(d) << text;
    auto again = ParseDuration(FormatDuration(*d));
    ASSERT_TRUE(again) << text;
    EXPECT_EQ(*again, *d) << text;
  }
}

TEST(FuzzRegressionTest, EveryKeptInputOfEveryTargetIsHandled) {
  // Replays the files of targets whose outcome is "no crash, an answer".
  std::size_t replayed = 0;
  for (const char* target : {"config", "http_auth"}) {
    if (!fs::exists(Regressions(target))) continue;
    for (const auto& e : fs::directory_iterator(Regressions(target))) {
      const std::string text = ReadFile(e.path());
      if (std::string(target) == "config") {
        auto loaded = LoadConfigFromString(text, e.path().filename().string(), CheckEnv{});
        if (!loaded) {
          EXPECT_FALSE(loaded.error().message.empty()) << e.path();
        }
      } else {
        (void)BasicAuth::ParseHeader(text);
      }
      ++replayed;
    }
  }
  RecordProperty("replayed", std::to_string(replayed));
}

}  // namespace
}  // namespace ipv6ha
