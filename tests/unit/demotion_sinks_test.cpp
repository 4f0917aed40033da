#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "exporter/demotion/carp_sysctl_sink.h"
#include "exporter/demotion/command_sink.h"
#include "exporter/demotion/demotion_sink.h"
#include "exporter/demotion/track_file_sink.h"
#include "exporter/platform/atomic_file.h"
#include "tests/support/fake_demotion_counters.h"

namespace ipv6ha {
namespace {

using testing::MemoryDemotionCounter;

class TempPath {
 public:
  TempPath() {
    path_ = std::filesystem::temp_directory_path() /
            ("demotion_sinks_test." + std::to_string(::getpid()) + "." +
             std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempPath() { std::filesystem::remove_all(path_); }
  std::string operator/(const std::string& name) const {
    return (path_ / name).string();
  }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

TEST(CarpSysctlSink, WritesOnlyDeltasOfItsOwnContribution) {
  auto state = std::make_shared<MemoryDemotionCounter::State>();
  state->value = 1 << 20;  // OPNsense's service flag is already set
  AdditiveSink sink("carp_sysctl",
                    std::make_unique<MemoryDemotionCounter>(state));
  std::vector<std::optional<std::int64_t>> befores;
  auto intent = [&](std::optional<std::int64_t> before) {
    befores.push_back(before);
    return OkStatus();
  };
  ASSERT_TRUE(sink.Change(0, 50, intent).ok());
  ASSERT_TRUE(sink.Change(50, 80, intent).ok());
  ASSERT_TRUE(sink.Change(80, 80, intent).ok());
  ASSERT_TRUE(sink.Change(80, 0, intent).ok());
  EXPECT_EQ(state->deltas, (std::vector<std::int64_t>{50, 30, -80}));
  EXPECT_EQ(state->value, 1 << 20);
  EXPECT_EQ(befores.at(1), (1 << 20) + 50)
      << "the intent names the total before";
  EXPECT_EQ(sink.Epoch(), "boot-1");
}

TEST(CarpSysctlSink, NothingIsWrittenWhenTheIntentCannotBeRecorded) {
  auto state = std::make_shared<MemoryDemotionCounter::State>();
  AdditiveSink sink("carp_sysctl",
                    std::make_unique<MemoryDemotionCounter>(state));
  auto refuse = [](std::optional<std::int64_t>) {
    return Status(Error{"disk full"});
  };
  const auto st = sink.Change(0, 50, refuse);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "disk full");
  EXPECT_TRUE(state->deltas.empty());
}

TEST(CarpSysctlSink, UnusableStateFileIsReconciledOnlyWhenTheCounterIsClear) {
  auto state = std::make_shared<MemoryDemotionCounter::State>();
  AdditiveSink sink("carp_sysctl",
                    std::make_unique<MemoryDemotionCounter>(state));
  const LoadedState corrupt =
      Error{"state.json: not a demotion state document"};
  state->value = 3 << 20;  // OPNsense's flag (and more): nothing of ours
  auto r = sink.Reconcile(corrupt);
  EXPECT_EQ(r.applied, 0) << r.note;
  state->value = 240;  // the kernel's, or ours: cannot tell
  r = sink.Reconcile(corrupt);
  EXPECT_FALSE(r.applied.has_value());
  EXPECT_NE(r.note.find("not touched"), std::string::npos) << r.note;
}

TEST(CarpSysctlSink,
     OtherContributorsChangingTheCounterConcurrentlyAreNeverDisturbed) {
  auto state = std::make_shared<MemoryDemotionCounter::State>();
  AdditiveSink sink("carp_sysctl",
                    std::make_unique<MemoryDemotionCounter>(state));
  auto intent = [](std::optional<std::int64_t>) { return OkStatus(); };
  std::atomic<bool> stop{false};
  // The kernel (240 per down interface) and OPNsense (2^20) come and go.
  auto contributor = [&](std::int64_t amount, unsigned seed) {
    std::mt19937 rng(seed);
    MemoryDemotionCounter c(state);
    bool on = false;
    while (!stop) {
      if (rng() % 2) {
        (void)c.Add(on ? -amount : amount);
        on = !on;
      }
      std::this_thread::yield();
    }
    if (on) (void)c.Add(-amount);
  };
  std::thread kernel(contributor, 240, 1);
  std::thread opnsense(contributor, 1 << 20, 2);
  std::mt19937 rng(3);
  int ours = 0;
  for (int i = 0; i < 20000; ++i) {
    const int next = static_cast<int>(rng() % 241);
    ASSERT_TRUE(sink.Change(ours, next, intent).ok());
    ours = next;
  }
  stop = true;
  kernel.join();
  opnsense.join();
  EXPECT_EQ(state->value, ours);
}

TEST(TrackFileSink, WritesAnExplicitIntegerAndReadsItBack) {
  TempPath dir;
  TrackFileSink sink(dir / "run/demote");
  ASSERT_TRUE(sink.Write(60, 0).ok());
  EXPECT_EQ(*ReadSmallFile(dir / "run/demote"), "60\n");
  ASSERT_TRUE(sink.Write(0, 60).ok());
  EXPECT_EQ(*ReadSmallFile(dir / "run/demote"), "0\n");
  EXPECT_EQ(*sink.ReadBack(), 0);
}

TEST(TrackFileSink, ReaderNeverSeesAPartialValueAndTheFileNeverDisappears) {
  TempPath dir;
  const std::string path = dir / "demote";
  TrackFileSink sink(path);
  ASSERT_TRUE(sink.Write(0, 0).ok());
  const std::set<std::string> valid{"0\n", "7\n", "240\n", "123456789\n"};
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0}, bad{0};
  std::string bad_example;
  std::thread reader([&] {
    while (!stop) {
      auto text = ReadSmallFile(path, 127);
      if (!text || !valid.count(*text)) {
        if (bad++ == 0)
          bad_example = text ? "\"" + *text + "\"" : text.error().message;
      }
      ++reads;
    }
  });
  const int values[] = {7, 123456789, 0, 240};
  int from = 0;
  for (int i = 0; i < 40; ++i) {
    const int to = values[i % 4];
    ASSERT_TRUE(sink.Write(to, from).ok());
    from = to;
  }
  stop = true;
  reader.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(bad.load(), 0) << "first bad read: " << bad_example;
  // No temporary file is left beside it.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(
           std::filesystem::path(path).parent_path())) {
    ++files;
    (void)e;
  }
  EXPECT_EQ(files, 1);
}

TEST(CommandSink, RunsTheProgramWithNewAndOldContribution) {
  TempPath dir;
  const std::string log = dir / "calls";
  const std::string script = dir / "demote.sh";
  {
    std::ofstream s(script);
    s << "#!/bin/sh\necho \"$1 $2 $3\" >> " << log << "\n";
  }
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  CommandSink sink({script, "vrrp"}, std::chrono::seconds(5));
  ASSERT_TRUE(sink.Write(50, 0).ok());
  ASSERT_TRUE(sink.Write(0, 50).ok());
  EXPECT_EQ(*ReadSmallFile(log), "vrrp 50 0\nvrrp 0 50\n");
  EXPECT_EQ(*sink.ReadBack(), 0);
}

TEST(CommandSink, NonZeroExitIsAnErrorNamingTheProgram) {
  TempPath dir;
  const std::string script = dir / "fail.sh";
  {
    std::ofstream s(script);
    s << "#!/bin/sh\necho 'no permission' >&2\nexit 3\n";
  }
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  CommandSink sink({script}, std::chrono::seconds(5));
  auto st = sink.Write(50, 0);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("exited 3: no permission"),
            std::string::npos)
      << st.error().message;
}

}  // namespace
}  // namespace ipv6ha
