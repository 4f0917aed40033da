#include "exporter/platform/vrrp_notify_parser.h"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/support/fixture_file.h"

namespace ipv6ha {
namespace {

struct Case {
  const char* line;
  bool group;
  const char* name;
  NotifyKind kind;
  VrrpState state;
  int priority;
};

TEST(VrrpNotifyParser, ReadsEveryStateAndEventKeepalivedWrites) {
  const Case cases[] = {
      {"INSTANCE \"VI_1\" MASTER 100\n", false, "VI_1", NotifyKind::kState,
       VrrpState::kMaster, 100},
      {"INSTANCE \"VI_1\" BACKUP 100", false, "VI_1", NotifyKind::kState,
       VrrpState::kBackup, 100},
      {"INSTANCE \"LAN6\" FAULT 0", false, "LAN6", NotifyKind::kState,
       VrrpState::kFault, 0},
      {"INSTANCE \"LAN6\" STOP 150", false, "LAN6", NotifyKind::kState,
       VrrpState::kStop, 150},
      {"INSTANCE \"LAN6\" DELETED 150", false, "LAN6", NotifyKind::kDeleted,
       VrrpState::kUnknown, 150},
      {"INSTANCE \"LAN6\" MASTER_PRIORITY 90", false, "LAN6",
       NotifyKind::kEvent, VrrpState::kMaster, 90},
      {"INSTANCE \"LAN6\" BACKUP_PRIORITY 255", false, "LAN6",
       NotifyKind::kEvent, VrrpState::kBackup, 255},
      {"INSTANCE \"LAN6\" MASTER_RX_LOWER_PRI 150", false, "LAN6",
       NotifyKind::kEvent, VrrpState::kMaster, 150},
      {"GROUP \"G1\" MASTER 0", true, "G1", NotifyKind::kState,
       VrrpState::kMaster, 0},
      // keepalived does not escape quotes: the name runs to the last one.
      {"INSTANCE \"a \"b\" c\" BACKUP 7", false, "a \"b\" c",
       NotifyKind::kState, VrrpState::kBackup, 7},
  };
  for (const auto& c : cases) {
    auto got = ParseNotifyLine(c.line);
    ASSERT_TRUE(got) << c.line << ": " << got.error().message;
    EXPECT_EQ(*got, (NotifyLine{c.group, c.name, c.kind, c.state, c.priority}))
        << c.line;
  }
}

TEST(VrrpNotifyParser, RefusesWhatKeepalivedDoesNotWrite) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "expected TYPE"},
      {"INSTANCE \"VI_1\" MASTER", "priority"},
      {"INSTANCE \"VI_1\" MASTER 256", "priority"},
      {"INSTANCE \"VI_1\" MASTER -1", "priority"},
      {"INSTANCE \"VI_1\" MASTER 1x", "priority"},
      {"INSTANCE \"VI_1\" {UNKNOWN} 100", "unknown state"},
      {"INSTANCE \"VI_1\" master 100", "unknown state"},
      {"VS [192.168.201.15]:tcp:80 UP 1", "unknown state"},
      {"VRRP \"VI_1\" MASTER 100", "neither INSTANCE nor GROUP"},
      {"INSTANCE VI_1 MASTER 100", "neither INSTANCE nor GROUP"},
      {"INSTANCE \"\" MASTER 100", "double quotes"},
      {"INSTANCE \"VI_1 MASTER 100", "double quotes"},
      {"INSTANCE \"VI\t1\" MASTER 100", "control characters"},
      {"INSTANCE \"VI\xff\" MASTER 100", "invalid UTF-8"},
  };
  for (const auto& [line, why] : cases) {
    auto got = ParseNotifyLine(line);
    ASSERT_FALSE(got) << line;
    EXPECT_NE(got.error().message.find(why), std::string::npos)
        << line << ": " << got.error().message;
    EXPECT_NE(got.error().message.find("not a keepalived notify line"),
              std::string::npos);
  }
  EXPECT_FALSE(
      ParseNotifyLine("INSTANCE \"" + std::string(600, 'x') + "\" MASTER 1"));
}

// lab_fw1.fifo, lab_fw2.fifo: what keepalived 2.2.7 (Debian 12) wrote to its
// vrrp_notify_fifo in the two-node lab (tests/lab): start, fw1's track file
// at 60 (fw1 BACKUP at priority 90) and back at 0, fw1's LAN link down
// (FAULT) and up, a reload of fw1 (nothing written: it stayed MASTER), both
// stopped (STOP). sync_group.fifo: lines in vrrp_notify.c's format for what
// the lab does not produce (GROUP, MASTER_RX_LOWER_PRI). They also seed the
// vrrp_notify fuzz target.
TEST(VrrpNotifyParser, EveryLineOfTheRecordedFixturesParses) {
  for (const char* fixture :
       {"keepalived/lab_fw1.fifo", "keepalived/lab_fw2.fifo",
        "keepalived/sync_group.fifo"}) {
    std::istringstream in(testing::ReadFixture(fixture));
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) {
      EXPECT_TRUE(ParseNotifyLine(line)) << fixture << ": " << line;
      ++lines;
    }
    EXPECT_GT(lines, 3) << fixture;
  }
}

TEST(VrrpNotifyParser, FormattedLinesParseBackToTheSameInstance) {
  const VrrpInstance i{"LAN6", VrrpState::kFault, 90, false};
  EXPECT_EQ(FormatNotifyLine(i), "INSTANCE \"LAN6\" FAULT 90");
  auto back = ParseNotifyLine(FormatNotifyLine(i));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->state, VrrpState::kFault);
  EXPECT_EQ(back->priority, 90);
}

}  // namespace
}  // namespace ipv6ha
