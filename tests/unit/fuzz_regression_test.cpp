// Inputs that a fuzz target (tests/fuzz/) once crashed on or flagged, kept as
// files under tests/fuzz/regressions/<target>/ and replayed here through the
// same code, with the outcome that the fix guarantees.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "checks/pds/pds_state_parser.h"
#include "exporter/base/duration.h"
#include "exporter/config/config.h"
#include "exporter/http/basic_auth.h"
#include "exporter/peer/peer_status.h"
#include "exporter/text/utf8.h"
#include "tests/fuzz/status_document_input.h"

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
  return fs::path(IPV6HA_FIXTURES).parent_path() / "fuzz" / "regressions" /
         target;
}

TEST(FuzzRegressionTest,
     DurationWhosePartsSumPastTheRangeIsRejectedNotWrapped) {
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

std::vector<fs::path> Inputs(const std::string& target) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(Regressions(target))) {
    out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// One byte that was not UTF-8 in a check's summary or details, the node
// name or the peer's fields aborted the daemon in the status document's
// dump (type_error 316).
TEST(FuzzRegressionTest, StatusDocumentWithInvalidUtf8IsDumpedAsValidUtf8) {
  const auto inputs = Inputs("status_document");
  ASSERT_GE(inputs.size(), 3u);
  for (const auto& path : inputs) {
    const auto in = fuzz::StatusInputsFromFuzzInput(ReadFile(path));
    std::string text;
    ASSERT_NO_THROW(text = DumpStatusDocument(BuildStatusDocument(in))) << path;
    EXPECT_TRUE(IsValidUtf8(text)) << path;
    EXPECT_FALSE(nlohmann::json::parse(text, nullptr, false).is_discarded())
        << path;
  }
}

// The 200,000-deep reply that overflowed a worker's stack, and the lies
// that counted as a ready peer: each is refused, and nothing is copied.
TEST(FuzzRegressionTest, HostilePeerRepliesAreRefused) {
  const auto inputs = Inputs("peer_status");
  ASSERT_GE(inputs.size(), 4u);
  for (const auto& path : inputs) {
    auto status = ParsePeerStatus(ReadFile(path));
    ASSERT_FALSE(status.ok()) << path;
    EXPECT_EQ(status.error().message.rfind(
                  "peer sent an invalid status document: ", 0),
              0u)
        << status.error().message;
  }
}

// A pds file with a raw byte (inside a string, or outside one so that the
// parser quotes it in its error) and an entry without a prefix.
TEST(FuzzRegressionTest, PdsFilesWithRawBytesOrNoPrefixGiveUtf8Answers) {
  for (const auto& path : Inputs("pds_state")) {
    // As the check reads it: the file reader repairs the text first.
    auto state = ParsePdsState(RepairUtf8(ReadFile(path)));
    if (state.ok()) {
      for (const auto& pd : state->delegations) {
        EXPECT_TRUE(IsValidUtf8(pd.interface)) << path;
        EXPECT_FALSE(pd.prefix.empty()) << path;
      }
    } else {
      EXPECT_TRUE(IsValidUtf8(state.error().message)) << path;
    }
    // And unrepaired, as the fuzz target feeds it.
    auto raw = ParsePdsState(ReadFile(path));
    if (!raw.ok()) {
      EXPECT_TRUE(IsValidUtf8(raw.error().message)) << path;
    }
  }
  EXPECT_FALSE(ParsePdsState(
      ReadFile(Regressions("pds_state") / "entry-without-prefix.json")));
}

// Configs that loaded silently wrong: a duplicate key, a duplicate check,
// a second document, a raw byte, an empty listen, a 16000w duration.
TEST(FuzzRegressionTest, SilentlyWrongConfigsAreRefused) {
  const auto inputs = Inputs("config");
  ASSERT_GE(inputs.size(), 6u);
  for (const auto& path : inputs) {
    auto loaded = LoadConfigFromString(ReadFile(path), path.filename().string(),
                                       CheckEnv{});
    ASSERT_FALSE(loaded) << path;
    EXPECT_TRUE(IsValidUtf8(loaded.error().message)) << path;
    EXPECT_NE(loaded.error().message.find(path.filename().string() + ":"),
              std::string::npos)
        << loaded.error().message;
  }
}

TEST(FuzzRegressionTest, AuthorizationWithANulByteIsRefused) {
  const std::string input =
      ReadFile(Regressions("http_auth") / "nul-in-password");
  ASSERT_FALSE(input.empty());
  EXPECT_FALSE(BasicAuth::ParseHeader(input.substr(1)));
}

TEST(FuzzRegressionTest, EveryKeptInputOfEveryTargetIsHandled) {
  // Replays the files of targets whose outcome is "no crash, an answer".
  std::size_t replayed = 0;
  for (const char* target : {"config", "http_auth"}) {
    if (!fs::exists(Regressions(target))) continue;
    for (const auto& e : fs::directory_iterator(Regressions(target))) {
      const std::string text = ReadFile(e.path());
      if (std::string(target) == "config") {
        auto loaded = LoadConfigFromString(text, e.path().filename().string(),
                                           CheckEnv{});
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
