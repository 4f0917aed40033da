#include "exporter/platform/vrrp_instance_table.h"

#include <gtest/gtest.h>

#include <initializer_list>

namespace ipv6ha {
namespace {

NotifyLine Line(const char* text) {
  auto parsed = ParseNotifyLine(text);
  EXPECT_TRUE(parsed) << text;
  return parsed ? *parsed : NotifyLine{};
}

RoleReading After(std::vector<std::string> followed,
                  std::initializer_list<const char*> lines) {
  VrrpInstanceTable table(std::move(followed));
  for (const char* l : lines) table.Apply(Line(l));
  return table.Derive("");
}

struct RoleCase {
  const char* what;
  std::vector<std::string> followed;
  std::initializer_list<const char*> lines;
  Role role;
  const char* error_part;  // "" when the role is known
};

TEST(VrrpInstanceTable, NodeRoleFromEveryFollowedInstance) {
  const RoleCase cases[] = {
      {"one MASTER", {}, {"INSTANCE \"A\" MASTER 100"}, Role::kMaster, ""},
      {"one BACKUP", {}, {"INSTANCE \"A\" BACKUP 100"}, Role::kBackup, ""},
      {"last line wins",
       {},
       {"INSTANCE \"A\" BACKUP 100", "INSTANCE \"A\" MASTER 100"},
       Role::kMaster,
       ""},
      {"master only when all are",
       {},
       {"INSTANCE \"A\" MASTER 100", "INSTANCE \"B\" BACKUP 100"},
       Role::kBackup,
       ""},
      {"FAULT is its own role",
       {},
       {"INSTANCE \"A\" MASTER 100", "INSTANCE \"B\" FAULT 0"},
       Role::kFault,
       ""},
      {"STOP is unknown",
       {},
       {"INSTANCE \"A\" STOP 100"},
       Role::kUnknown,
       "keepalived stopped instance \"A\""},
      {"nothing reported",
       {},
       {},
       Role::kUnknown,
       "has not reported any VRRP instance"},
      {"a followed instance not reported",
       {"A", "B"},
       {"INSTANCE \"A\" MASTER 100"},
       Role::kUnknown,
       "has not reported instance \"B\""},
      {"instances not followed do not count",
       {"A"},
       {"INSTANCE \"A\" MASTER 100", "INSTANCE \"B\" FAULT 0"},
       Role::kMaster,
       ""},
      {"groups are not followed",
       {},
       {"GROUP \"G\" FAULT 0", "INSTANCE \"A\" MASTER 100"},
       Role::kMaster,
       ""},
      {"a priority event is news of the state",
       {},
       {"INSTANCE \"A\" MASTER_PRIORITY 90"},
       Role::kMaster,
       ""},
      {"deleted is no longer reported",
       {"A"},
       {"INSTANCE \"A\" MASTER 100", "INSTANCE \"A\" DELETED 100"},
       Role::kUnknown,
       "has not reported instance \"A\""},
  };
  for (const auto& c : cases) {
    const RoleReading r = After(c.followed, c.lines);
    EXPECT_EQ(r.role, c.role) << c.what << ": " << r.detail;
    if (*c.error_part == '\0') {
      EXPECT_EQ(r.error, "") << c.what;
    } else {
      EXPECT_NE(r.error.find(c.error_part), std::string::npos)
          << c.what << ": " << r.error;
    }
  }
}

TEST(VrrpInstanceTable, FollowedInstancesAreListedEvenWhenNotReported) {
  const RoleReading r = After({"A", "B"}, {"INSTANCE \"A\" MASTER 100"});
  ASSERT_EQ(r.instances.size(), 2u);
  EXPECT_EQ(r.instances[0], (VrrpInstance{"A", VrrpState::kMaster, 100}));
  EXPECT_EQ(r.instances[1], (VrrpInstance{"B", VrrpState::kUnknown, 0}));
  EXPECT_EQ(r.detail, "A MASTER (priority 100), B not reported");
}

TEST(VrrpInstanceTable, MixedWhenSomeButNotAllAreMaster) {
  EXPECT_TRUE(
      After({}, {"INSTANCE \"A\" MASTER 1", "INSTANCE \"B\" BACKUP 1"}).mixed);
  EXPECT_FALSE(
      After({}, {"INSTANCE \"A\" MASTER 1", "INSTANCE \"B\" MASTER 1"}).mixed);
}

TEST(VrrpInstanceTable, ApplySaysWhenAFollowedInstanceChangedState) {
  VrrpInstanceTable table({"A"});
  EXPECT_TRUE(table.Apply(Line("INSTANCE \"A\" BACKUP 100")));
  EXPECT_FALSE(table.Apply(Line("INSTANCE \"A\" BACKUP_PRIORITY 90")));
  EXPECT_FALSE(table.Apply(Line("INSTANCE \"A\" BACKUP 90")));
  EXPECT_TRUE(table.Apply(Line("INSTANCE \"A\" MASTER 90")));
  EXPECT_FALSE(table.Apply(Line("INSTANCE \"B\" FAULT 0")));  // not followed
  EXPECT_FALSE(table.Apply(Line("GROUP \"G\" FAULT 0")));
  EXPECT_EQ(table.Derive("").instances[0].priority, 90);
}

TEST(VrrpInstanceTable, AFeedProblemMakesTheRoleUnknownWithItsReason) {
  VrrpInstanceTable table({});
  table.Apply(Line("INSTANCE \"A\" MASTER 100"));
  const RoleReading r = table.Derive("keepalived closed its notify FIFO");
  EXPECT_EQ(r.role, Role::kUnknown);
  EXPECT_EQ(r.error, "keepalived closed its notify FIFO");
  table.Forget();
  EXPECT_TRUE(table.Reported().empty());
}

TEST(VrrpInstanceTable, RestoredStatesAreMarkedUntilKeepalivedSpeaks) {
  VrrpInstanceTable table({});
  table.Restore({{"A", VrrpState::kMaster, 100, false}});
  RoleReading r = table.Derive("");
  EXPECT_EQ(r.role, Role::kMaster);
  EXPECT_TRUE(r.instances[0].restored);
  EXPECT_NE(r.detail.find("restored"), std::string::npos);
  // The same state read from the FIFO is news: it confirms the record.
  EXPECT_TRUE(table.Apply(Line("INSTANCE \"A\" MASTER 100")));
  EXPECT_FALSE(table.Derive("").instances[0].restored);
}

TEST(VrrpRecord, RoundTripsThroughItsText) {
  VrrpRecord record{{2049, 123456},
                    4242,
                    {{"A", VrrpState::kMaster, 100, false},
                     {"B", VrrpState::kFault, 0, false}}};
  const std::string text = FormatVrrpRecord(record);
  EXPECT_NE(text.find("fifo 2049 123456\npid 4242\n"), std::string::npos);
  EXPECT_NE(text.find("INSTANCE \"B\" FAULT 0\n"), std::string::npos);
  auto back = ParseVrrpRecord(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->fifo, record.fifo);
  EXPECT_EQ(back->vrrp_pid, 4242);
  ASSERT_EQ(back->instances.size(), 2u);
  EXPECT_EQ(back->instances[1],
            (VrrpInstance{"B", VrrpState::kFault, 0, true}));
}

TEST(VrrpRecord, BrokenRecordsSayWhichLine) {
  const std::pair<const char*, const char*> cases[] = {
      {"INSTANCE \"A\" MASTER 1\n", "no \"fifo DEVICE INODE\" line"},
      {"fifo 1\n", "line 1: \"fifo\" line is not"},
      {"fifo 1 x\n", "line 1"},
      {"# c\nfifo 1 2\nINSTANCE \"A\" MASTER_PRIORITY 1\n",
       "line 3: not the state of an instance"},
      {"fifo 1 2\ngarbage\n", "line 2: not a keepalived notify line"},
      {"fifo 1 2\npid 0\n", "line 2: \"pid\" line is not"},
  };
  for (const auto& [text, why] : cases) {
    auto r = ParseVrrpRecord(text);
    ASSERT_FALSE(r) << text;
    EXPECT_NE(r.error().message.find(why), std::string::npos)
        << r.error().message;
  }
}

}  // namespace
}  // namespace ipv6ha
