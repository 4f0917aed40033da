// What the config loader refuses because yaml-cpp or an older loader
// accepted it silently, or because the daemon would refuse it only at
// start-up: every error names file, line and column.

#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "exporter/config/config.h"

namespace ipv6ha {
namespace {

std::string ErrorOf(const std::string& yaml) {
  auto c = LoadConfigFromString(yaml, "test.yml", CheckEnv{});
  if (c) return "";
  return c.error().message;
}

constexpr char kCheck[] = "checks:\n  a: {type: command, argv: [/bin/true]}\n";

struct Refused {
  const char* name;
  std::string yaml;
  const char* where;  // "line:column" of the error
  const char* reason;
};

class ConfigRefuses : public ::testing::TestWithParam<Refused> {};

TEST_P(ConfigRefuses, WithFileLineAndColumn) {
  const std::string error = ErrorOf(GetParam().yaml);
  ASSERT_FALSE(error.empty()) << GetParam().name << " was accepted";
  EXPECT_NE(error.find(std::string("test.yml:") + GetParam().where + ": "),
            std::string::npos)
      << GetParam().name << ": " << error;
  EXPECT_NE(error.find(GetParam().reason), std::string::npos)
      << GetParam().name << ": " << error;
}

INSTANTIATE_TEST_SUITE_P(
    Hostile, ConfigRefuses,
    ::testing::Values(
        // `fall: 3` then `fall: 100` gave 3.
        Refused{"duplicate_key",
                std::string("demotion:\n  fall: 3\n  fall: 100\n") + kCheck,
                "3:3",
                "key \"fall\" is given twice in this mapping (first at line 2, "
                "column 3)"},
        Refused{"duplicate_top_level_key",
                std::string("node: {name: a}\nnode: {name: b}\n") + kCheck,
                "2:1", "key \"node\" is given twice"},
        Refused{"duplicate_in_a_flow_map",
                std::string("role: {source: static, source: vip}\n") + kCheck,
                "1:24", "key \"source\" is given twice"},
        // Two checks of one name: both ran the first definition and
        // /metrics carried duplicate series.
        Refused{"duplicate_check_name",
                "checks:\n  a: {type: command, argv: [/bin/true]}\n"
                "  a: {type: command, argv: [/bin/false]}\n",
                "3:3", "key \"a\" is given twice"},
        Refused{"duplicate_in_a_list_item",
                "checks:\n  c: {type: ipv6_connectivity, targets: [\"::1\"], "
                "targets: [\"::2\"]}\n",
                "2:50", "key \"targets\" is given twice"},
        Refused{"second_document",
                std::string(kCheck) + "---\nlisten: \"127.0.0.1:1\"\n", "4:1",
                "a second YAML document"},
        Refused{"invalid_utf8_in_node_name",
                std::string("node: {name: \"fw\xff\"}\n") + kCheck, "1:17",
                "byte 0xFF is not UTF-8"},
        Refused{"empty_listen", std::string("listen: []\n") + kCheck, "1:1",
                "listen must name at least one address"},
        Refused{"null_listen", std::string("listen:\n") + kCheck, "1:1",
                "listen must name at least one address"},
        Refused{"listen_garbage", std::string("listen: garbage\n") + kCheck,
                "1:9", "listen address \"garbage\" must be HOST:PORT"},
        Refused{"listen_empty_string", std::string("listen: \"\"\n") + kCheck,
                "1:9", "listen address \"\" must be HOST:PORT"},
        Refused{"listen_number", std::string("listen: 123\n") + kCheck, "1:9",
                "listen address \"123\""},
        Refused{"listen_port_too_big",
                std::string("listen: \":99999\"\n") + kCheck, "1:9",
                "listen address \":99999\""},
        Refused{
            "listen_bad_ipv4",
            std::string("listen: [\"127.0.0.1:9646\", \"999.1.1.1:80\"]\n") +
                kCheck,
            "1:28", "listen address \"999.1.1.1:80\""},
        Refused{"duration_overflow",
                std::string("role: {poll_interval: 16000w}\n") + kCheck, "1:23",
                "must be between 0s and 52w, not 16000w"},
        Refused{"hold_down_overflow",
                std::string("demotion: {hold_down: 16000w}\n") + kCheck, "1:23",
                "demotion.hold_down must be between 0s and 52w"},
        Refused{
            "check_interval_overflow",
            "checks:\n  a: {type: command, argv: [/bin/true], interval: 53w}\n",
            "2:51", "interval must be between"},
        Refused{"track_file_is_state_file",
                std::string("demotion:\n  sink: keepalived_track_file\n"
                            "  track_file: /run/x/demote\n  state_file: "
                            "/run/x/../x/demote\n") +
                    kCheck,
                "3:15",
                "track_file must not be the same file as demotion.state_file"},
        Refused{"bcrypt_cost_31",
                std::string("web:\n  basic_auth_users:\n    p: "
                            "\"$2y$31$xumqdkfGhQownvkdC99eF.eA/"
                            "dSO6MaqCec2nNX4BpLa39tL9q462\"\n") +
                    kCheck,
                "3:8",
                "password of user \"p\" has bcrypt cost 31, outside 4..12"},
        Refused{"tls_files_missing",
                std::string("web:\n  tls_server_config:\n    cert_file: "
                            "/nonexistent/c.pem\n"
                            "    key_file: /nonexistent/k.pem\n") +
                    kCheck,
                "3:16",
                "cert_file /nonexistent/c.pem: cannot open: No such file"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ConfigValidationTest, AnEmptyTrailingDocumentIsAllowed) {
  EXPECT_EQ(ErrorOf(std::string(kCheck) + "---\n"), "");
  EXPECT_EQ(ErrorOf(std::string("---\n") + kCheck), "");
}

TEST(ConfigValidationTest, DurationsUpToAYearAreAccepted) {
  auto c =
      LoadConfigFromString(std::string("demotion: {hold_down: 52w}\n") + kCheck,
                           "test.yml", CheckEnv{});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->config.demotion.hold_down, std::chrono::hours(24 * 7 * 52));
}

TEST(ConfigValidationTest, AnAliasBombCostsNoMoreThanItsText) {
  // Each level names the previous one ten times: walked naively, 10^9 maps.
  std::string yaml = "a0: &a0 {k: 1}\n";
  for (int i = 1; i <= 9; ++i) {
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k)
      yaml += (k ? ", *a" : "*a") + std::to_string(i - 1);
    yaml += "]\n";
  }
  const auto start = std::chrono::steady_clock::now();
  const std::string error = ErrorOf(yaml);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_NE(error.find("unknown key"), std::string::npos) << error;
}

}  // namespace
}  // namespace ipv6ha
