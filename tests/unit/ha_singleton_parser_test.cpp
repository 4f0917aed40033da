// ha-singleton.conf is read as sh(1) would assign it, without running it.

#include "exporter/import/ha_singleton_parser.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace ipv6ha {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(IPV6HA_FIXTURES) + "/import/" + name);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

ShellVariables ParseOk(const std::string& text) {
  auto parsed = ParseHaSingleton(text, "ha-singleton.conf");
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? *parsed : ShellVariables{};
}

std::string ErrorOf(const std::string& text) {
  auto parsed = ParseHaSingleton(text, "ha-singleton.conf");
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? "" : parsed.error().message;
}

TEST(HaSingletonParser, ReadsThePlainOpnsenseHaFile) {
  auto vars = ParseOk(Fixture("ha-singleton.conf"));
  EXPECT_EQ(vars.Get("WAN_INTS"), "igc0 igc1");
  EXPECT_EQ(vars.Get("SERVICES"), "rtsold dhcp6c radvd");
  EXPECT_EQ(vars.Get("ALT_DEFROUTE_IPV6"), "fd03:17ac:e938:10::1");
  EXPECT_EQ(vars.Get("ENABLE_IPV6"), "1");
  EXPECT_EQ(vars.Get("SYNC_IPV6_STATE"), "1");
  EXPECT_TRUE(vars.warnings.empty());
  EXPECT_EQ(vars.assignments.at(0).line, 6);
}

// Expected values are what `sh -c '. ha-singleton-expansions.conf'` assigns
// (checked with dash).
TEST(HaSingletonParser, QuotesCommentsAndExpansionsMatchTheShell) {
  auto vars = ParseOk(Fixture("ha-singleton-expansions.conf"));
  EXPECT_EQ(vars.Get("SITE_ULA"), "fd03:17ac:e938");
  EXPECT_EQ(vars.Get("SYNC_NET"), "fd03:17ac:e938:10");
  EXPECT_EQ(vars.Get("ALT_DEFROUTE_IPV6"), "fd03:17ac:e938:10::2");
  EXPECT_EQ(vars.Get("WAN_INTS"), "igc0");
  EXPECT_EQ(vars.Get("SERVICES"), "rtsold dhcp6c radvd");
  EXPECT_EQ(vars.Get("LOG_TAG"), "ha singleton");
  EXPECT_EQ(vars.Get("NOTE"), "a \"quoted\" word and a literal $HOME");
  EXPECT_EQ(vars.Get("ENABLE_IPV6"), "yes");
  EXPECT_EQ(vars.Get("SYNC_IPV6_STATE"), "YES");
  EXPECT_EQ(vars.Get("MULTI"), "first second");
  EXPECT_TRUE(vars.warnings.empty());
}

TEST(HaSingletonParser, ExportMarksVariablesExportedBeforeAndAfter) {
  auto vars = ParseOk("export A=1\nB=2\nexport B\nC=3\n");
  ASSERT_EQ(vars.assignments.size(), 3u);
  EXPECT_TRUE(vars.assignments[0].exported);
  EXPECT_TRUE(vars.assignments[1].exported);
  EXPECT_FALSE(vars.assignments[2].exported);
}

TEST(HaSingletonParser, LaterAssignmentWinsAndSeesTheEarlierValue) {
  auto vars = ParseOk("S=a\nS=\"$S b\"\nS=${S}c\n");
  EXPECT_EQ(vars.Get("S"), "a bc");
}

TEST(HaSingletonParser, SeveralAssignmentsOnOneLine) {
  auto vars = ParseOk("A=1 B='two words' C=3 # trailing comment\n");
  EXPECT_EQ(vars.Get("A"), "1");
  EXPECT_EQ(vars.Get("B"), "two words");
  EXPECT_EQ(vars.Get("C"), "3");
}

TEST(HaSingletonParser, HashInsideAWordIsNotAComment) {
  EXPECT_EQ(ParseOk("A=b#c\n").Get("A"), "b#c");
}

TEST(HaSingletonParser, DefaultWordsApplyOnlyWhenUnsetOrEmpty) {
  auto vars = ParseOk("E=\nA=${E:-x} B=${E-y} C=${U-z} D=${A:-w}\n");
  EXPECT_EQ(vars.Get("A"), "x");
  EXPECT_EQ(vars.Get("B"), "");
  EXPECT_EQ(vars.Get("C"), "z");
  EXPECT_EQ(vars.Get("D"), "x");
}

TEST(HaSingletonParser, UnsetVariableExpandsToEmptyWithALineNumberedWarning) {
  auto vars = ParseOk(Fixture("ha-singleton-no-sync.conf"));
  EXPECT_EQ(vars.Get("SERVICES"), "dhcp6c radvd ");
  ASSERT_EQ(vars.warnings.size(), 1u);
  EXPECT_EQ(
      vars.warnings[0],
      "ha-singleton.conf:3: $EXTRA_SERVICES is not set earlier in the file; "
      "it expands to \"\"");
}

TEST(HaSingletonParser, CommandSubstitutionIsRefusedWithItsLine) {
  EXPECT_EQ(ErrorOf(Fixture("ha-singleton-command-substitution.conf")),
            "ha-singleton.conf:5: $(...) runs a command; the importer never "
            "runs the file");
}

TEST(HaSingletonParser, UnterminatedQuoteNamesTheLineWhereItOpened) {
  EXPECT_EQ(ErrorOf(Fixture("ha-singleton-unterminated-quote.conf")),
            "ha-singleton.conf:3: unterminated double quote");
}

TEST(HaSingletonParser, CommandsAreRefusedNotRun) {
  const std::string error = ErrorOf(Fixture("ha-singleton-command.conf"));
  EXPECT_EQ(error.rfind("ha-singleton.conf:2: only variable assignments", 0),
            0u)
      << error;
}

TEST(HaSingletonParser, ShellSyntaxNeedingAShellIsRefused) {
  for (const char* text :
       {"A=`hostname`\n", "A=b|c\n", "A=${#B}\n", "A=${B:=c}\n", "A=$1\n",
        "A='open\n", "echo hi\n", "A=1 && B=2\n"}) {
    auto parsed = ParseHaSingleton(text, "f");
    EXPECT_FALSE(parsed.ok()) << text;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.error().message.rfind("f:1: ", 0), 0u) << text;
    }
  }
}

TEST(HaSingletonParser, LoneDollarIsLiteral) {
  EXPECT_EQ(ParseOk("A=\"cost $\"\n").Get("A"), "cost $");
}

TEST(HaSingletonParser, ShellFlagsReadLikeTheScripts) {
  for (const char* on : {"1", "yes", "YES", "true", "On"})
    EXPECT_TRUE(ShellFlagIsTrue(on));
  for (const char* off : {"0", "no", "", "false", "2"})
    EXPECT_FALSE(ShellFlagIsTrue(off));
}

}  // namespace
}  // namespace ipv6ha
