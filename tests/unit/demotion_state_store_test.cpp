#include "exporter/demotion/demotion_state_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "exporter/platform/atomic_file.h"

namespace ipv6ha {
namespace {

constexpr std::int64_t kFlag = std::int64_t{1} << 20;

DemotionState Pending(int applied, int target, std::int64_t before) {
  DemotionState s;
  s.applied = applied;
  s.pending = target;
  s.before = before;
  s.epoch = "boot-1";
  return s;
}

TEST(DemotionStateStore, SavedStateLoadsBackEqual) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("state_store_test." + std::to_string(::getpid()));
  DemotionStateStore store((dir / "db/state.json").string());
  auto missing = store.Load();
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  DemotionState s = Pending(50, 80, 1000);
  s.sink = "carp_sysctl";
  s.contributing = {{"nptv6_rules", 50, std::nullopt},
                    {"prefix_freshness", 100, std::int64_t{123456789}}};
  s.role_changes_ms = {1000, 2000};
  ASSERT_TRUE(store.Save(s).ok());
  auto loaded = store.Load();
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(**loaded, s);
  EXPECT_EQ(std::filesystem::status(dir / "db/state.json").permissions() &
                std::filesystem::perms::others_read,
            std::filesystem::perms::none);
  std::filesystem::remove_all(dir);
}

TEST(DemotionStateStore, VersionOneDownListIsReadButNeverAsContributing) {
  auto s = ParseDemotionState(
      R"({"version":1,"applied":100,"epoch":"e","sink":"keepalived_track_file",)"
      R"("down":["prefix_freshness","ipv6_connectivity"]})");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->applied, 100);
  EXPECT_TRUE(s->contributing.empty());
  EXPECT_EQ(s->legacy_down, (std::vector<std::string>{"prefix_freshness",
                                                      "ipv6_connectivity"}));
}

TEST(DemotionStateStore, GarbageIsAnErrorNamingTheFile) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("state_store_test_bad." + std::to_string(::getpid()));
  const std::string path = (dir / "state.json").string();
  ASSERT_TRUE(WriteFileAtomically(path, "{\"applied\": \"lots\"}").ok());
  auto loaded = DemotionStateStore(path).Load();
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find(path), std::string::npos);
  std::filesystem::remove_all(dir);
}

struct ReconcileRow {
  const char* situation;
  DemotionState recorded;
  Expected<std::string> epoch;
  Expected<std::int64_t> current;
  int applied;
  const char* note;
};

class Reconcile : public ::testing::TestWithParam<ReconcileRow> {};

TEST_P(Reconcile, FindsOurContributionExactlyOnce) {
  const auto& row = GetParam();
  const auto out = ReconcileAdditive(row.recorded, row.epoch, row.current);
  EXPECT_EQ(out.applied, row.applied) << row.situation << ": " << out.note;
  EXPECT_NE(out.note.find(row.note), std::string::npos)
      << row.situation << ": " << out.note;
}

DemotionState Committed(int applied) {
  DemotionState s;
  s.applied = applied;
  s.epoch = "boot-1";
  return s;
}

INSTANTIATE_TEST_SUITE_P(
    Rows, Reconcile,
    ::testing::Values(
        ReconcileRow{"committed", Committed(50), std::string("boot-1"),
                     std::int64_t{50}, 50, "is applied"},
        ReconcileRow{"rebooted since", Committed(50), std::string("boot-2"),
                     std::int64_t{0}, 0, "reset"},
        ReconcileRow{"crash before the write", Pending(0, 50, 100),
                     std::string("boot-1"), std::int64_t{100}, 0,
                     "not applied"},
        ReconcileRow{"crash after the write", Pending(0, 50, 100),
                     std::string("boot-1"), std::int64_t{150}, 50,
                     "found applied"},
        ReconcileRow{"crash after a withdrawal", Pending(50, 0, 150),
                     std::string("boot-1"), std::int64_t{100}, 0,
                     "found applied"},
        ReconcileRow{"crash before a withdrawal", Pending(50, 0, 150),
                     std::string("boot-1"), std::int64_t{150}, 50,
                     "not applied"},
        ReconcileRow{"applied while OPNsense set its flag", Pending(0, 50, 0),
                     std::string("boot-1"), kFlag + 50, 50, "service flag"},
        ReconcileRow{"not applied while OPNsense cleared its flag",
                     Pending(0, 50, kFlag), std::string("boot-1"),
                     std::int64_t{0}, 0, "service flag"},
        ReconcileRow{"counter unreadable", Pending(0, 50, 0),
                     std::string("boot-1"), Error{"gone"}, 50,
                     "assumed applied"},
        ReconcileRow{"ambiguous movement", Pending(0, 50, 0),
                     std::string("boot-1"), std::int64_t{290}, 50,
                     "ambiguous"}));

}  // namespace
}  // namespace ipv6ha
