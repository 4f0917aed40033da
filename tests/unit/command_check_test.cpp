#include "checks/command_check.h"

#include <gtest/gtest.h>

namespace ipv6ha {
namespace {

CheckResult RunArgv(
    std::vector<std::string> argv,
    std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  CheckSettings s;
  s.name = "t";
  s.timeout = timeout;
  CommandCheck check({std::move(argv)}, s);
  RunContext ctx{Role::kMaster, std::chrono::steady_clock::now() + timeout};
  return check.Run(ctx);
}

TEST(CommandCheckTest, ExitZeroIsOkWithThePluginOutputAsSummary) {
  auto r =
      RunArgv({"/bin/sh", "-c", "echo 'PING OK - rtt 1ms|rtt=1ms'; exit 0"});
  EXPECT_EQ(r.status, CheckStatus::kOk);
  EXPECT_EQ(r.summary, "PING OK - rtt 1ms");
}

TEST(CommandCheckTest, ExitOneAndTwoAreFailures) {
  EXPECT_EQ(RunArgv({"/bin/sh", "-c", "exit 1"}).status, CheckStatus::kFail);
  EXPECT_EQ(RunArgv({"/bin/sh", "-c", "exit 2"}).status, CheckStatus::kFail);
}

TEST(CommandCheckTest, OtherExitCodesAreUnknown) {
  auto r = RunArgv({"/bin/sh", "-c", "echo cannot tell; exit 3"});
  EXPECT_EQ(r.status, CheckStatus::kUnknown);
  EXPECT_EQ(r.summary,
            "/bin/sh -c echo cannot tell; exit 3 exited 3: cannot tell");
}

TEST(CommandCheckTest, MissingBinaryIsUnknownNotFail) {
  auto r = RunArgv({"/nonexistent/check_ipv6"});
  EXPECT_EQ(r.status, CheckStatus::kUnknown);
  EXPECT_EQ(r.summary,
            "cannot run /nonexistent/check_ipv6: No such file or directory");
}

TEST(CommandCheckTest, HangingProgramIsUnknownAtItsTimeout) {
  auto r = RunArgv({"/bin/sleep", "30"}, std::chrono::milliseconds(100));
  EXPECT_EQ(r.status, CheckStatus::kUnknown);
  EXPECT_EQ(r.summary, "/bin/sleep 30 timed out after 100ms");
}

TEST(CommandCheckTest, ExportsTheExitCode) {
  auto r = RunArgv({"/bin/sh", "-c", "exit 2"});
  ASSERT_EQ(r.metrics.size(), 1u);
  EXPECT_EQ(r.metrics[0].name, "ipv6_ha_command_exit_code");
  EXPECT_EQ(r.metrics[0].metric[0].gauge.value, 2);
}

TEST(PluginSummaryTest, TakesTheFirstLineWithoutPerfdata) {
  EXPECT_EQ(PluginSummary("OK - fine | a=1\nlong text\n"), "OK - fine");
  EXPECT_EQ(PluginSummary(""), "");
  EXPECT_EQ(PluginSummary(std::string(500, 'x')).size(), 203u);
}

}  // namespace
}  // namespace ipv6ha
