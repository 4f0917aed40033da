#include "exporter/platform/process_stats.h"

#include <gtest/gtest.h>

namespace ipv6ha {
namespace {

// Units per sys/sys/user.h: ki_rssize in pages, ki_size in bytes, ki_start a
// struct timeval.
TEST(ApplyKinfo, ResidentSizeIsPagesTimesPageSize) {
  ProcessStats s;
  ApplyKinfo({.rssize_pages = 2560, .size_bytes = 0}, 4096, s);
  EXPECT_DOUBLE_EQ(s.resident_bytes, 2560.0 * 4096);
}

TEST(ApplyKinfo, VirtualSizeIsAlreadyBytes) {
  ProcessStats s;
  ApplyKinfo({.rssize_pages = 1, .size_bytes = 123456789}, 4096, s);
  EXPECT_DOUBLE_EQ(s.virtual_bytes, 123456789.0);
}

TEST(ApplyKinfo, StartTimeAddsMicroseconds) {
  ProcessStats s;
  ApplyKinfo({.start_sec = 1767225600, .start_usec = 250000}, 4096, s);
  EXPECT_DOUBLE_EQ(s.start_time_seconds, 1767225600.25);
}

TEST(ReadProcessStats, ReportsThisProcess) {
  auto s = ReadProcessStats();
  ASSERT_TRUE(s.has_value());
  EXPECT_GT(s->resident_bytes, 0);
  EXPECT_GT(s->start_time_seconds, 0);
  // Linux counts /proc/self/fd, FreeBSD asks kern.proc.nfds.
  ASSERT_TRUE(s->open_fds.has_value());
  EXPECT_GE(*s->open_fds, 3);  // stdin, stdout, stderr at least
}

}  // namespace
}  // namespace ipv6ha
