#include "exporter/platform/command_runner.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace ipv6ha {
namespace {

using std::chrono::milliseconds;

// Children of this process that are zombies (state Z in /proc/PID/stat).
int ZombieChildren() {
  int zombies = 0;
  DIR* d = opendir("/proc");
  const std::string me = std::to_string(getpid());
  while (dirent* e = readdir(d)) {
    std::ifstream stat(std::string("/proc/") + e->d_name + "/stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    char state = line[close + 2];
    std::string rest = line.substr(close + 4);
    std::string ppid = rest.substr(0, rest.find(' '));
    if (ppid == me && state == 'Z') ++zombies;
  }
  closedir(d);
  return zombies;
}

TEST(CommandRunnerTest, CapturesOutputAndExitCode) {
  auto out =
      RunCommand({{"/bin/sh", "-c", "echo hello; echo oops >&2; exit 3"}});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->exit_code, 3);
  EXPECT_EQ(out->stdout_text, "hello\n");
  EXPECT_EQ(out->stderr_text, "oops\n");
  EXPECT_FALSE(out->truncated);
}

TEST(CommandRunnerTest, NonZeroExitIsAValueNotAnError) {
  auto out = RunCommand({{"/bin/false"}});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->exit_code, 1);
}

TEST(CommandRunnerTest, MissingBinaryIsAnErrorNamingIt) {
  auto out = RunCommand({{"/nonexistent/pfctl", "-s", "nat"}});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message,
            "cannot run /nonexistent/pfctl: No such file or directory");
}

TEST(CommandRunnerTest, HungCommandIsKilledAtTheTimeout) {
  const auto start = std::chrono::steady_clock::now();
  auto out = RunCommand({{"/bin/sleep", "30"}, milliseconds(200)});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message, "/bin/sleep 30 timed out after 200ms");
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_EQ(ZombieChildren(), 0);
}

TEST(CommandRunnerTest, GrandchildrenHoldingThePipeAreKilledToo) {
  // The shell exits at once but leaves a background child holding stdout.
  auto out = RunCommand(
      {{"/bin/sh", "-c", "sleep 30 & echo started"}, milliseconds(300)});
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("timed out"), std::string::npos);
  EXPECT_EQ(ZombieChildren(), 0);
}

TEST(CommandRunnerTest, HugeOutputIsCappedAndTheProgramStopped) {
  CommandSpec spec{{"/bin/sh", "-c", "yes 0123456789 | head -c 100000000"},
                   std::chrono::seconds(10),
                   1024 * 1024};
  auto out = RunCommand(spec);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_TRUE(out->truncated);
  EXPECT_EQ(out->stdout_text.size(), 1024u * 1024u);
  EXPECT_EQ(ZombieChildren(), 0);
}

TEST(CommandRunnerTest, ProgramGetsNoStdin) {
  auto out = RunCommand({{"/bin/cat"}, milliseconds(2000)});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->exit_code, 0);
  EXPECT_EQ(out->stdout_text, "");
}

TEST(CommandRunnerTest, ExtraEnvironmentIsPassed) {
  CommandSpec spec{{"/bin/sh", "-c", "echo $IPV6HA_TEST"}};
  spec.extra_env = {"IPV6HA_TEST=42"};
  auto out = RunCommand(spec);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->stdout_text, "42\n");
}

TEST(CommandRunnerTest, SignalledProgramReportsTheSignal) {
  auto out = RunCommand({{"/bin/sh", "-c", "kill -9 $$"}});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->signal, 9);
}

// The failure sentence every caller shows: the program, how it ended, and
// the first line of its stderr.
TEST(CommandRunnerTest, DescribeFailureIsOneSentenceForEveryCaller) {
  const std::vector<std::string> argv = {"/sbin/pfctl", "-s", "nat"};
  CommandOutput out;
  out.exit_code = 0;
  out.stderr_text = "a warning\n";
  EXPECT_EQ(DescribeFailure(argv, out), "");
  out.exit_code = 1;
  out.stderr_text = "pfctl: /dev/pf: Permission denied\r\nsecond line\n";
  EXPECT_EQ(DescribeFailure(argv, out),
            "/sbin/pfctl -s nat exited 1: pfctl: /dev/pf: Permission denied");
  out.stderr_text = "";
  EXPECT_EQ(DescribeFailure(argv, out), "/sbin/pfctl -s nat exited 1");
  out.signal = 9;
  EXPECT_EQ(DescribeFailure(argv, out),
            "/sbin/pfctl -s nat was killed by signal 9");
}

TEST(CommandRunnerTest, DescribeFailureCutsStderrOnACharacterBoundary) {
  CommandOutput out;
  out.exit_code = 2;
  out.stderr_text =
      std::string(199, 'x') + "\xc3\xa9 and more";  // é across byte 200
  const std::string s = DescribeFailure({"/bin/tool"}, out);
  EXPECT_EQ(s, "/bin/tool exited 2: " + std::string(199, 'x'));
}

}  // namespace
}  // namespace ipv6ha
