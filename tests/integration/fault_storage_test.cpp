// Faults around files the daemon reads and writes, with the real binary:
//  - the pds file replaced 1,000 times a second while prefix_freshness and
//    its file watch run: no crash, never a torn or half-written read;
//  - a full disk, or a read-only mount, under the demotion state file (a
//    tmpfs in a private mount namespace): the controller refuses to change
//    the track file it cannot record, says why, and catches up once the
//    directory is writable again.

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/exporter_process.h"

namespace ipv6ha::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string Pds(const std::string& prefix) {
  return R"({"summary": {"total_pds": 1, "active_pds": 1, "missing_prefix_files": 0,
  "last_run": "2026-11-27T10:30:00.123456"},
 "prefix_delegations": {"0": {"prefix": ")" +
         prefix + R"(", "interface": "igc0", "status": "active",
  "created": "2026-11-20T07:12:44.501233", "last_updated": "2026-11-27T09:15:00.5",
  "last_seen": "2026-11-27T10:30:00.123456", "prefix_history": []}}})";
}

nlohmann::json Status(int port) {
  auto r = HttpGet("127.0.0.1", port, "/api/v1/status");
  if (!r || r->status != 200) return nullptr;
  return nlohmann::json::parse(r->body, nullptr, false);
}

TEST(FaultStorageTest, PdsFileReplacedAThousandTimesASecondIsNeverTornOrFatal) {
  TempDir dir;
  const int port = FreePort();
  const std::string pds = (dir.path() / "dhcp6c-pds.json").string();
  dir.Write("dhcp6c-pds.json", Pds("2001:db8:aa00::/56"));
  auto cfg = dir.Write(
      "c.yml", "listen: \"127.0.0.1:" + std::to_string(port) +
                   "\"\nrole: {source: static, static: master}\nchecks:\n"
                   "  prefix_freshness: {pds_file: " +
                   pds + ", interval: 1h, weight: 10}\n");
  ExporterProcess p({"--config", cfg});
  ASSERT_TRUE(p.WaitReady(port, "/-/ready")) << p.Log();

  // Writers replace the file by rename, as the opnsense-ipv6 scripts do.
  std::atomic<bool> stop{false};
  std::atomic<int> replaced{0};
  std::thread writer([&] {
    const std::string a = Pds("2001:db8:aa00::/56"),
                      b = Pds("2001:db8:bb00::/56");
    const auto tmp = dir.path() / "pds.tmp";
    auto next = std::chrono::steady_clock::now();
    while (!stop) {
      std::ofstream(tmp, std::ios::trunc) << (replaced % 2 ? a : b);
      fs::rename(tmp, pds);
      ++replaced;
      next += 1ms;
      std::this_thread::sleep_until(next);
    }
  });
  int polls = 0, bad = 0;
  std::string last_bad;
  const auto until = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < until) {
    auto doc = Status(port);
    ASSERT_FALSE(doc.is_null()) << "the exporter stopped answering\n"
                                << p.Log();
    const auto& check = doc["checks"][0];
    ++polls;
    if (check["status"] != "ok") {
      ++bad;
      last_bad = check["summary"];
    }
    std::this_thread::sleep_for(10ms);
  }
  stop = true;
  writer.join();
  EXPECT_TRUE(p.Running()) << p.Log();
  EXPECT_GE(replaced.load(),
            1500);  // at least half the asked rate on a loaded machine
  // A rename is atomic: every read sees one whole file, never a torn one.
  EXPECT_EQ(bad, 0) << "last non-ok result: " << last_bad;
  auto doc = Status(port);
  ASSERT_FALSE(doc.is_null());
  // The watch re-ran the check far more often than its 1 h interval would.
  EXPECT_GT(doc["checks"][0]["runs"].get<int>(), 20);
  std::printf("pds replaced %d times in 3 s; %d status polls; check runs %d\n",
              replaced.load(), polls, doc["checks"][0]["runs"].get<int>());
}

std::optional<long> TrackFile(const fs::path& path) {
  std::ifstream in(path);
  long v = 0;
  if (!(in >> v)) return std::nullopt;
  return v;
}

// Runs the exporter in a private mount namespace where `fault` (a shell
// command with STATE standing for the state directory) has broken the
// demotion state directory, with a weighted check that fails at once on a
// BACKUP: the controller must not write the track file it cannot record,
// must say why, and must catch up after `heal` (run inside the exporter's
// mount namespace).
void StateDirectoryFaultBlocksDemotionUntilHealed(const std::string& fault,
                                                  const std::string& heal) {
  TempDir dir;
  const int port = FreePort();
  const auto state_dir = dir.path() / "state";
  const auto track = dir.path() / "run" / "demote";
  fs::create_directories(state_dir);
  fs::create_directories(track.parent_path());
  auto cfg = dir.Write(
      "c.yml",
      "listen: \"127.0.0.1:" + std::to_string(port) +
          "\"\nnode: {name: fw1}\nrole: {source: static, static: backup}\n"
          "checks:\n  local_fault: {type: command, argv: [/bin/false], "
          "interval: 100ms, weight: 50}\n"
          "demotion:\n  sink: keepalived_track_file\n  track_file: " +
          track.string() +
          "\n  state_file: " + (state_dir / "state.json").string() +
          "\n  fall: 1\n  rise: 1\n  hold_down: 0s\n");
  auto with_dir = [&](std::string command) {
    for (auto at = command.find("STATE"); at != std::string::npos;
         at = command.find("STATE")) {
      command.replace(at, 5, state_dir.string());
    }
    return command;
  };
  // The fault lives in the exporter's own mount namespace: the test's view
  // of the directory is untouched.
  const std::string script =
      with_dir(fault) + " && exec " + IPV6HA_BINARY + " --config " + cfg;
  ExporterProcess p({"-m", "--propagation", "private", "/bin/sh", "-c", script},
                    "", "/usr/bin/unshare");
  ASSERT_TRUE(p.WaitReady(port)) << p.Log();

  // The check fails at once; the controller wants 50 but cannot record it.
  ASSERT_TRUE(WaitFor(
      [&] {
        auto doc = Status(port);
        return !doc.is_null() && !doc["controller"]["state_file"]["error"]
                                      .get<std::string>()
                                      .empty();
      },
      10s))
      << p.Log();
  auto doc = Status(port);
  EXPECT_EQ(doc["controller"]["applied"], 0) << doc["controller"].dump();
  EXPECT_NE(TrackFile(track).value_or(0), 50);
  std::printf(
      "state file error: %s\n",
      doc["controller"]["state_file"]["error"].get<std::string>().c_str());

  // The fault is healed: the contribution is recorded and applied.
  auto healed = RunProgram({"/usr/bin/nsenter", "-t", std::to_string(p.pid()),
                            "-m", "/bin/sh", "-c", with_dir(heal)});
  ASSERT_EQ(healed.exit_code, 0) << healed.err;
  EXPECT_TRUE(WaitFor([&] { return TrackFile(track) == 50; }, 10s)) << p.Log();
  // The report follows the write at the end of the same evaluation.
  EXPECT_TRUE(
      WaitFor([&] { return Status(port)["controller"]["applied"] == 50; }, 5s))
      << Status(port)["controller"].dump();
  EXPECT_EQ(p.Stop(), 0);
}

TEST(FaultStorageTest,
     FullDiskUnderTheStateFileBlocksDemotionUntilSpaceReturns) {
  if (geteuid() != 0)
    GTEST_SKIP() << "needs root (mount namespace with a tmpfs)";
  // A 16 KiB tmpfs over the state directory, filled up.
  StateDirectoryFaultBlocksDemotionUntilHealed(
      "mount -t tmpfs -o size=16k tmpfs STATE && (cat /dev/zero > STATE/filler "
      "2>/dev/null; true)",
      "rm -f STATE/filler");
}

TEST(FaultStorageTest, ReadOnlyStateDirectoryBlocksDemotionUntilWritable) {
  if (geteuid() != 0)
    GTEST_SKIP() << "needs root (mount namespace with a tmpfs)";
  // Root ignores permission bits, so the directory is a read-only mount.
  StateDirectoryFaultBlocksDemotionUntilHealed(
      "mount -t tmpfs -o size=1m,ro tmpfs STATE", "mount -o remount,rw STATE");
}

}  // namespace
}  // namespace ipv6ha::testing
