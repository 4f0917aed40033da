#include "checks/probe/probe_stats.h"

#include <gtest/gtest.h>

namespace ipv6ha {
namespace {

using std::chrono::microseconds;

ProbeOutcome Ok(int rtt_us) {
  return {ProbeResult::kSuccess, microseconds(rtt_us), ""};
}
ProbeOutcome Lost() {
  return {ProbeResult::kFailure, {}, "timeout after 150ms"};
}
ProbeOutcome Err() {
  return {ProbeResult::kError, {}, "cannot open raw ICMPv6 socket"};
}

TEST(ProbeStatsTest, EmptyStatsHaveNoResultAndNoLoss) {
  ProbeStats s(10);
  EXPECT_FALSE(s.has_result());
  EXPECT_EQ(s.LossRatio(), 0);
  EXPECT_FALSE(s.MeanRttSeconds());
  EXPECT_FALSE(s.JitterSeconds());
}

TEST(ProbeStatsTest, LossIsLostOverProbesInTheWindow) {
  ProbeStats s(4);
  s.Record(Ok(100));
  s.Record(Lost());
  s.Record(Ok(100));
  s.Record(Lost());
  EXPECT_DOUBLE_EQ(s.LossRatio(), 0.5);
}

TEST(ProbeStatsTest, OldProbesLeaveTheWindow) {
  ProbeStats s(3);
  s.Record(Lost());
  s.Record(Lost());
  s.Record(Ok(100));
  s.Record(Ok(100));
  s.Record(Ok(100));
  EXPECT_DOUBLE_EQ(s.LossRatio(), 0);
  EXPECT_EQ(s.window_size(), 3u);
  EXPECT_EQ(s.sent(), 5u);
  EXPECT_EQ(s.received(), 3u);
}

TEST(ProbeStatsTest, JitterIsMeanAbsoluteDifferenceOfConsecutiveRtts) {
  ProbeStats s(10);
  s.Record(Ok(100));
  s.Record(Ok(300));  // |200|
  s.Record(Lost());   // skipped
  s.Record(Ok(200));  // |100|
  ASSERT_TRUE(s.JitterSeconds());
  EXPECT_NEAR(*s.JitterSeconds(), 150e-6, 1e-12);
  EXPECT_NEAR(*s.MeanRttSeconds(), 200e-6, 1e-12);
}

TEST(ProbeStatsTest, ConsecutiveFailuresResetOnSuccess) {
  ProbeStats s(10);
  s.Record(Lost());
  s.Record(Lost());
  EXPECT_EQ(s.consecutive_failures(), 2);
  s.Record(Ok(50));
  EXPECT_EQ(s.consecutive_failures(), 0);
  EXPECT_TRUE(s.last_success());
}

TEST(ProbeStatsTest, ProbesThatCouldNotBeSentAreNotLosses) {
  ProbeStats s(10);
  s.Record(Ok(50));
  s.Record(Err());
  EXPECT_EQ(s.sent(), 1u);
  EXPECT_EQ(s.LossRatio(), 0);
  EXPECT_EQ(s.consecutive_failures(), 0);
  EXPECT_EQ(s.last().result, ProbeResult::kError);
}

TEST(ProbeStatsTest, RunWithOneAnswerIsNotAFailedRun) {
  ProbeStats s(10);
  s.RecordRun({Lost(), Lost()});
  EXPECT_EQ(s.consecutive_failed_runs(), 1);
  s.RecordRun({Lost(), Ok(300), Lost()});
  EXPECT_EQ(s.consecutive_failed_runs(), 0);
  EXPECT_TRUE(s.last_success());
  EXPECT_EQ(s.last().rtt, microseconds(300));
  EXPECT_EQ(s.consecutive_failures(), 1);  // probes since the latest answer
  EXPECT_EQ(s.sent(), 5u);
  EXPECT_EQ(s.received(), 1u);
  EXPECT_DOUBLE_EQ(s.LossRatio(), 0.8);
}

TEST(ProbeStatsTest, RunsWithoutAnswerCountInARow) {
  ProbeStats s(10);
  s.RecordRun({Ok(100), Ok(200)});
  s.RecordRun({Lost(), Lost(), Lost()});
  s.RecordRun({Lost(), Lost(), Lost()});
  EXPECT_EQ(s.consecutive_failed_runs(), 2);
  EXPECT_EQ(s.consecutive_failures(), 6);
  EXPECT_FALSE(s.last_success());
  EXPECT_EQ(s.last().reason, "timeout after 150ms");
}

TEST(ProbeStatsTest, RunAnswerIsItsFastestProbe) {
  ProbeStats s(10);
  s.RecordRun({Ok(500), Ok(200), Ok(400)});
  EXPECT_EQ(s.last().rtt, microseconds(200));
}

TEST(ProbeStatsTest, RunOfErrorsOnlyIsNoEvidence) {
  ProbeStats s(10);
  s.RecordRun({Lost()});
  s.RecordRun({Err(), Err()});
  EXPECT_EQ(s.consecutive_failed_runs(), 1);
  EXPECT_EQ(s.last().result, ProbeResult::kError);
  s.RecordRun({Err(), Lost()});
  EXPECT_EQ(s.consecutive_failed_runs(), 2);
  EXPECT_EQ(s.last().result, ProbeResult::kFailure);
}

}  // namespace
}  // namespace ipv6ha
