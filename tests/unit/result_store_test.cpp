#include "exporter/store/result_store.h"

#include <gtest/gtest.h>

#include "checks/metric_table.h"
#include "tests/support/manual_clock.h"

namespace ipv6ha {
namespace {

constexpr MetricDef kTestValue{"ipv6_ha_test_value", "x",
                               prometheus::MetricType::Gauge};
constexpr MetricDef kExitCode{"ipv6_ha_command_exit_code", "x",
                              prometheus::MetricType::Gauge};
constexpr MetricDef kPerTarget{
    "ipv6_ha_test_per_target", "x", prometheus::MetricType::Gauge, {"target"}};

CheckSettings Settings(const std::string& name) {
  CheckSettings s;
  s.name = name;
  s.type = "command";
  s.weight = 7;
  return s;
}

const prometheus::MetricFamily* Find(
    const std::vector<prometheus::MetricFamily>& fs, const std::string& name) {
  for (const auto& f : fs) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

double Value(const prometheus::MetricFamily& f, const std::string& label,
             const std::string& value) {
  for (const auto& m : f.metric) {
    for (const auto& l : m.label) {
      if (l.name == label && l.value == value) {
        return f.type == prometheus::MetricType::Counter ? m.counter.value
                                                         : m.gauge.value;
      }
    }
  }
  return -1;
}

TEST(ResultStoreTest, NotReadyUntilEveryCheckHasAResult) {
  ResultStore store({Settings("a"), Settings("b")});
  EXPECT_FALSE(store.Ready());
  store.Publish("a", CheckResult::Ok("fine"), std::chrono::milliseconds(1),
                false);
  EXPECT_FALSE(store.Ready());
  store.Publish("b", CheckResult::Fail("broken"), std::chrono::milliseconds(1),
                false);
  EXPECT_TRUE(store.Ready());
}

TEST(ResultStoreTest,
     AwaitingFirstResultNamesTheApplicableChecksInConfigOrder) {
  ResultStore store({Settings("b"), Settings("a"), Settings("c")});
  EXPECT_EQ(store.AwaitingFirstResult(),
            (std::vector<std::string>{"b", "a", "c"}));
  store.Publish("a", CheckResult::Ok("fine"), std::chrono::milliseconds(1),
                false);
  store.MarkNotApplicable("c", Role::kBackup);
  EXPECT_EQ(store.AwaitingFirstResult(), std::vector<std::string>{"b"});
  store.Publish("b", CheckResult::Ok("fine"), std::chrono::milliseconds(1),
                false);
  EXPECT_TRUE(store.AwaitingFirstResult().empty());
  EXPECT_TRUE(store.Ready());
}

TEST(ResultStoreTest, StatusIsOneSeriesPerStateWithOneSetToOne) {
  ResultStore store({Settings("a")});
  store.Publish("a", CheckResult::Fail("broken"), std::chrono::milliseconds(5),
                false);
  auto families = store.Collect();
  const auto* status = Find(families, "ipv6_ha_check_status");
  ASSERT_NE(status, nullptr);
  ASSERT_EQ(status->metric.size(), 3u);
  EXPECT_EQ(Value(*status, "status", "fail"), 1);
  EXPECT_EQ(Value(*status, "status", "ok"), 0);
  EXPECT_EQ(Value(*status, "status", "unknown"), 0);
  EXPECT_EQ(Value(*Find(families, "ipv6_ha_check_weight"), "check", "a"), 7);
  EXPECT_DOUBLE_EQ(
      Value(*Find(families, "ipv6_ha_check_duration_seconds"), "check", "a"),
      0.005);
}

TEST(ResultStoreTest, TimeoutsAreCountedAndKeepTheCheckOwnSamples) {
  ResultStore store({Settings("a")});
  CheckResult ok = CheckResult::Ok("fine");
  MetricSamples family(kTestValue);
  family.Add({}, 42);
  ok.metrics.push_back(family.Take());
  store.Publish("a", ok, std::chrono::milliseconds(1), false);
  store.Publish("a", CheckResult::Unknown("timed out after 1s"),
                std::chrono::seconds(1), true);
  auto families = store.Collect();
  EXPECT_EQ(
      Value(*Find(families, "ipv6_ha_check_timeouts_total"), "check", "a"), 1);
  EXPECT_EQ(Value(*Find(families, "ipv6_ha_check_runs_total"), "check", "a"),
            2);
  ASSERT_NE(Find(families, "ipv6_ha_test_value"), nullptr);
  EXPECT_EQ(store.Get("a")->status_changes, 1u);
}

TEST(ResultStoreTest, SameFamilyFromTwoChecksIsMerged) {
  ResultStore store({Settings("a"), Settings("b")});
  for (const char* name : {"a", "b"}) {
    CheckResult r = CheckResult::Ok("fine");
    MetricSamples family(kExitCode);
    family.Add({}, 0);
    r.metrics.push_back(family.Take());
    store.Publish(name, r, std::chrono::milliseconds(1), false);
  }
  auto families = store.Collect();
  int count = 0;
  for (const auto& f : families) count += f.name == "ipv6_ha_command_exit_code";
  EXPECT_EQ(count, 1);
  EXPECT_EQ(Find(families, "ipv6_ha_command_exit_code")->metric.size(), 2u);
}

// Two instances of one check type emit the same samples without a `check`
// label; the store gives each its instance name, first, so no series is
// exposed twice. A `check` label a check sets itself does not survive.
TEST(ResultStoreTest, EveryOwnSampleIsLabelledWithItsInstanceFirst) {
  ResultStore store({Settings("uplink_a"), Settings("uplink_b")});
  for (const char* name : {"uplink_a", "uplink_b"}) {
    CheckResult r = CheckResult::Ok("fine");
    MetricSamples family(kPerTarget);
    family.Add({"2001:db8::1"}, 1).label.push_back({"check", "forged"});
    r.metrics.push_back(family.Take());
    store.Publish(name, r, std::chrono::milliseconds(1), false);
  }
  const auto families = store.Collect();
  const auto* f = Find(families, "ipv6_ha_test_per_target");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->metric.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& labels = f->metric[i].label;
    ASSERT_EQ(labels.size(), 2u);
    EXPECT_EQ(labels[0].name, "check");
    EXPECT_EQ(labels[0].value, i == 0 ? "uplink_a" : "uplink_b");
    EXPECT_EQ(labels[1].name, "target");
  }
}

// The published end of a run is its start plus its duration, not the time
// the result reached the store: a worker held up between the two (a busy
// CPU) must not move the run's timestamps.
TEST(ResultStoreTest, RunEndIsStartPlusDurationWhenTheStartIsGiven) {
  ResultStore store({Settings("a")});
  const auto started =
      std::chrono::system_clock::now() - std::chrono::seconds(30);
  store.Publish("a", CheckResult::Ok("fine"), std::chrono::milliseconds(250),
                false, started);
  auto record = store.Get("a");
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->last_run_end, started + std::chrono::milliseconds(250));
  const auto families = store.Collect();
  const auto* last = Find(families, "ipv6_ha_check_last_run_timestamp_seconds");
  ASSERT_NE(last, nullptr);
  const double want =
      std::chrono::duration<double>(
          (started + std::chrono::milliseconds(250)).time_since_epoch())
          .count();
  EXPECT_NEAR(Value(*last, "check", "a"), want, 1e-3);
}

// Without a given start, a run ends when its result reaches the store, by
// the store's clock (wall for the timestamp, steady for ages).
TEST(ResultStoreTest, RunEndIsTheStoreClocksNowWithoutAStart) {
  testing::ManualClock clock;
  ResultStore store({Settings("a")}, clock);
  clock.Advance(std::chrono::seconds(90));
  store.Publish("a", CheckResult::Ok("fine"), std::chrono::milliseconds(250),
                false);
  auto record = store.Get("a");
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->last_run_end, clock.WallNow());
  EXPECT_EQ(record->last_run_end_steady, clock.SteadyNow());
  const auto families = store.Collect();
  const auto* last = Find(families, "ipv6_ha_check_last_run_timestamp_seconds");
  ASSERT_NE(last, nullptr);
  EXPECT_NEAR(
      Value(*last, "check", "a"),
      std::chrono::duration<double>(clock.WallNow().time_since_epoch()).count(),
      1e-3);
}

TEST(ResultStoreTest, ListenersHearEveryPublish) {
  ResultStore store({Settings("a")});
  int heard = 0;
  store.AddListener([&](const CheckRecord& r) {
    EXPECT_EQ(r.settings.name, "a");
    ++heard;
  });
  store.Publish("a", CheckResult::Ok("1"), {}, false);
  store.Publish("a", CheckResult::Ok("2"), {}, false);
  EXPECT_EQ(heard, 2);
}

}  // namespace
}  // namespace ipv6ha
