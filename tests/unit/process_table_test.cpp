#include "exporter/platform/process_table.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace ipv6ha {
namespace {

using Entry = ProcessTable::KernelEntry;

// ki_stat values from sys/sys/proc.h: SRUN 2, SSLEEP 3, SZOMB 5.
TEST(ProcessTableLiveProcesses, ZombiesAreLeftOutLikeOnLinux) {
  const auto live = ProcessTable::LiveProcesses({
      {.pid = 100, .stat = 3, .comm = "radvd"},
      {.pid = 101, .stat = ProcessTable::kFreeBsdZombie, .comm = "dhcp6c"},
      {.pid = 102, .stat = 2, .comm = "ipv6_ha_exporter"},
  });
  ASSERT_EQ(live.size(), 2u);
  EXPECT_EQ(live[0].pid, 100);
  EXPECT_EQ(live[0].name, "radvd");
  EXPECT_EQ(live[1].pid, 102);
  EXPECT_EQ(live[1].name, "ipv6_ha_exporter");
}

TEST(ProcessTableLiveProcesses, OnlyAZombieMeansNoProcess) {
  EXPECT_TRUE(
      ProcessTable::LiveProcesses(
          {{.pid = 7, .stat = ProcessTable::kFreeBsdZombie, .comm = "radvd"}})
          .empty());
}

TEST(ProcessTable, FindsItself) {
  auto name = ProcessTable().NameOf(getpid());
  ASSERT_TRUE(name.has_value());
  EXPECT_TRUE(ProcessTable::NameMatches(*name, "process_table_test"));
}

}  // namespace
}  // namespace ipv6ha
