#include "exporter/exporter_metrics.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/manual_clock.h"

namespace ipv6ha {
namespace {

double Gauge(const ExporterMetrics& metrics, const std::string& name) {
  for (const auto& f : metrics.Collect()) {
    if (f.name == name && !f.metric.empty()) return f.metric[0].gauge.value;
  }
  ADD_FAILURE() << "no family " << name;
  return -1;
}

double Seconds(WallClockTime t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// The reload timestamp is the time of the last successful reload by the
// metrics' clock; a failed reload leaves it where it was.
TEST(ExporterMetricsTest, ReloadTimestampIsTheClocksTimeOfTheLastSuccess) {
  testing::ManualClock clock;
  ExporterMetrics metrics(clock);
  metrics.RecordReload(true);
  const double first = Seconds(clock.WallNow());
  EXPECT_EQ(
      Gauge(metrics, "ipv6_ha_config_last_reload_success_timestamp_seconds"),
      first);
  clock.Advance(std::chrono::minutes(2));
  metrics.RecordReload(false);
  EXPECT_EQ(
      Gauge(metrics, "ipv6_ha_config_last_reload_success_timestamp_seconds"),
      first);
  EXPECT_EQ(Gauge(metrics, "ipv6_ha_config_last_reload_successful"), 0);
  metrics.RecordReload(true);
  EXPECT_EQ(
      Gauge(metrics, "ipv6_ha_config_last_reload_success_timestamp_seconds"),
      first + 120);
}

}  // namespace
}  // namespace ipv6ha
