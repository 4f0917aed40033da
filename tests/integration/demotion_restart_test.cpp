// Restarts of the real binary with the keepalived track file, as seen in
// the two-node lab (issue "Demotion you can trust", items 1, 2 and 5):
//  - kill -9 on BACKUP with one contributing and one non-contributing down
//    check: the restart does not double the contribution, and after the
//    fault heals it goes to 0 (no stuck demotion);
//  - SIGTERM at contribution 0 with a down check records nothing, so the
//    next start does not demote on a check that is healthy by then;
//  - a truncated state file with a stale track file value: the track file
//    is rewritten to what the checks say at start.
// The checks are `command` checks reading files the test changes.

#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "exporter/demotion/demotion_state_store.h"
#include "exporter/platform/atomic_file.h"
#include "tests/support/exporter_process.h"
#include "tests/support/fake_http_server.h"
#include "tests/support/loopback_listener.h"

namespace ipv6ha {
namespace {

using testing::ExporterProcess;
using testing::FakeHttpServer;
using testing::HttpGet;
using testing::Ipv6Listener;
using testing::TempDir;
using testing::WaitFor;
using namespace std::chrono_literals;

class DemotionRestart : public ::testing::Test {
 protected:
  // prefix_freshness: fails while `stale` exists (local, 100).
  // ipv6_connectivity: exits with the number in `upstream` (upstream, 100):
  // 1 fails, 0 passes, 3 is unknown.
  std::string Config(const std::string& role, const std::string& extra = "",
                     const FakeHttpServer* peer = nullptr) {
    const std::string d = dir_.path().string();
    std::string peer_section = "peer: {name: fw2}\n", peer_check;
    if (peer) {
      peer_section =
          "peer: {name: fw2, address: \"::1\", api: \"" + peer->url() + "\"}\n";
      peer_check = "  peer_reachability: {interval: 100ms, method: \"tcp:" +
                   std::to_string(peer_probe_.port()) + "\"}\n";
    }
    return "listen: \"127.0.0.1:" + std::to_string(port_) +
           "\"\n"
           "node: {name: fw1}\n"
           "role: {source: static, static: " +
           role + "}\n" + peer_section + "checks:\n" + peer_check +
           "  prefix_freshness: {type: command, argv: [/bin/sh, -c, 'test ! "
           "-e " +
           d +
           "/stale'], interval: 100ms, timeout: 1s, weight: 100}\n"
           "  ipv6_connectivity: {type: command, scope: upstream, argv: "
           "[/bin/sh, -c, 'exit $(cat " +
           d +
           "/upstream)'], interval: 100ms, timeout: 1s, weight: 100}\n"
           "demotion:\n"
           "  sink: keepalived_track_file\n"
           "  track_file: " +
           TrackPath() + "\n  state_file: " + StatePath() +
           "\n  fall: 1\n  rise: 1\n" + extra;
  }
  std::string TrackPath() const { return (dir_.path() / "demote").string(); }
  std::string StatePath() const {
    return (dir_.path() / "state.json").string();
  }
  std::optional<std::int64_t> TrackFile() const {
    auto text = ReadSmallFile(TrackPath());
    if (!text) return std::nullopt;
    return std::stoll(*text);
  }
  nlohmann::json Status() const {
    auto r = HttpGet("127.0.0.1", port_, "/api/v1/status");
    if (!r || r->status != 200) return "no answer";
    return nlohmann::json::parse(r->body, nullptr, false);
  }
  nlohmann::json Controller() const {
    const nlohmann::json doc = Status();
    return doc.is_object() ? doc.value("controller", nlohmann::json::object())
                           : nlohmann::json::object();
  }
  nlohmann::json ControllerCheck(const std::string& name) const {
    for (const auto& c : Controller().value("checks", nlohmann::json::array()))
      if (c.value("name", "") == name) return c;
    return nlohmann::json::object();
  }
  // Runs of `name` since the process started.
  int Runs(const std::string& name) const {
    const nlohmann::json doc = Status();
    if (!doc.is_object()) return 0;
    for (const auto& c : doc.value("checks", nlohmann::json::array()))
      if (c.value("name", "") == name) return c.value("runs", 0);
    return 0;
  }
  void SetStale(bool stale) {
    if (stale) {
      dir_.Write("stale", "");
    } else {
      std::filesystem::remove(dir_.path() / "stale");
    }
  }
  void SetUpstream(int exit_code) {
    dir_.Write("upstream", std::to_string(exit_code) + "\n");
  }

  TempDir dir_;
  const int port_ = testing::FreePort();
  Ipv6Listener peer_probe_;  // the peer's address answers TCP probes
};

// fw2's status as fw1 fetches it: ready, and its own upstream check `ok`
// (it vouches) or `unknown` and not applicable, as a BACKUP with
// backup_policy unknown writes it (it cannot evaluate upstream). An
// applicable `unknown` as its only weighted check would make it no better
// than fw1 (docs/demotion.md), and fw1 would not fail over at all.
std::unique_ptr<FakeHttpServer> Peer(const std::string& role,
                                     const std::string& upstream) {
  const std::string applicable = upstream == "unknown" ? "false" : "true";
  return std::make_unique<FakeHttpServer>(
      FakeHttpServer::Mode::kReply,
      FakeHttpServer::JsonReply(
          R"({"node": "fw2", "role": ")" + role +
          R"(", "ready": true, "controller": {"desired": 0}, "checks": [)"
          R"({"name": "ipv6_connectivity", "status": ")" +
          upstream +
          R"(", "scope": "upstream", "weight": 100, "applicable": )" +
          applicable + "}]}"));
}

TEST_F(DemotionRestart, KillNineOnBackupNeitherDoublesNorSticksTheDemotion) {
  ASSERT_GT(peer_probe_.port(), 0) << "cannot listen on [::1]";
  SetStale(true);
  SetUpstream(1);
  {
    // fw1 MASTER: prefix_freshness counts (fw2 is ready); ipv6_connectivity
    // is down too, but fw2, BACKUP, cannot vouch for its upstream.
    auto peer = Peer("backup", "unknown");
    ExporterProcess p(
        {"--config", dir_.Write("c.yml", Config("master", "  hold_down: 0s\n",
                                                peer.get()))});
    ASSERT_TRUE(p.WaitReady(port_)) << p.Log();
    ASSERT_TRUE(WaitFor(
        [&] {
          return TrackFile() == 100 &&
                 ControllerCheck("ipv6_connectivity").value("down", false);
        },
        5s))
        << Controller().dump() << p.Log();
    EXPECT_FALSE(ControllerCheck("ipv6_connectivity")["contributing"]);
    p.Signal(SIGKILL);
  }
  // Failed over: fw1 is BACKUP and cannot evaluate its upstream (unknown);
  // fw2 is MASTER and vouches for its own.
  SetUpstream(3);
  auto peer = Peer("master", "ok");
  ExporterProcess p(
      {"--config",
       dir_.Write("c.yml", Config("backup", "  hold_down: 0s\n", peer.get()))});
  ASSERT_TRUE(p.WaitReady(port_)) << p.Log();
  std::set<std::int64_t> seen;
  ASSERT_TRUE(WaitFor(
      [&] {
        if (auto v = TrackFile()) seen.insert(*v);
        return Runs("ipv6_connectivity") >= 3 &&
               Runs("prefix_freshness") >= 3 && Runs("peer_reachability") >= 3;
      },
      5s))
      << Status().dump() << p.Log();
  EXPECT_EQ(seen, std::set<std::int64_t>{100}) << "the restart changed it";
  EXPECT_EQ(Controller()["applied"], 100) << Controller().dump();
  EXPECT_FALSE(ControllerCheck("ipv6_connectivity").value("down", true));
  SetStale(false);  // healed: fails back
  EXPECT_TRUE(WaitFor([&] { return TrackFile() == 0; }, 5s))
      << Controller().dump() << p.Log();
  EXPECT_EQ(p.Stop(10s), 0);
  EXPECT_EQ(TrackFile(), 0);
}

TEST_F(DemotionRestart,
       SigtermAtZeroRecordsNothingSoTheNextStartDoesNotDemote) {
  SetStale(true);
  SetUpstream(0);
  // On MASTER with no peer heard from, the failing check does not count.
  {
    ExporterProcess p(
        {"--config",
         dir_.Write("c.yml", Config("master", "  hold_down: 30s\n"))});
    ASSERT_TRUE(p.WaitReady(port_)) << p.Log();
    ASSERT_TRUE(WaitFor(
        [&] {
          return ControllerCheck("prefix_freshness").value("down", false);
        },
        5s))
        << p.Log();
    ASSERT_EQ(TrackFile(), 0);
    ASSERT_EQ(p.Stop(10s), 0) << p.Log();
  }
  auto state = DemotionStateStore(StatePath()).Load();
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_EQ((*state)->applied, 0);
  EXPECT_TRUE((*state)->contributing.empty());
  EXPECT_TRUE((*state)->legacy_down.empty()) << *ReadSmallFile(StatePath());
  // Healthy by now, and BACKUP, where a restored down check would count.
  SetStale(false);
  ExporterProcess p(
      {"--config",
       dir_.Write("c.yml", Config("backup", "  hold_down: 30s\n"))});
  ASSERT_TRUE(p.WaitReady(port_)) << p.Log();
  std::set<std::int64_t> seen;
  ASSERT_TRUE(WaitFor(
      [&] {
        if (auto v = TrackFile()) seen.insert(*v);
        return Runs("prefix_freshness") >= 3;
      },
      5s));
  EXPECT_EQ(seen, std::set<std::int64_t>{0}) << Controller().dump();
  EXPECT_EQ(p.Stop(10s), 0);
}

TEST_F(DemotionRestart,
       TruncatedStateFileAndStaleTrackFileAreRewrittenAtStart) {
  SetStale(false);
  SetUpstream(0);
  dir_.Write("state.json", R"({"applied":50,"down":["lo)");
  dir_.Write("demote", "50\n");
  ExporterProcess p({"--config", dir_.Write("c.yml", Config("backup"))});
  // Rewritten before the first check has even run.
  ASSERT_TRUE(WaitFor([&] { return TrackFile() == 0; }, 5s)) << p.Log();
  ASSERT_TRUE(p.WaitReady(port_)) << p.Log();
  ASSERT_TRUE(WaitFor(
      [&] {
        // `applied` is null until the first report after start is published.
        const auto applied = Controller()["applied"];
        return applied.is_number() && applied == 0;
      },
      5s))
      << Controller().dump();
  const auto c = Controller();
  EXPECT_EQ(c["applied"], 0) << c.dump();
  EXPECT_NE(c["state_file"]["reconcile"].get<std::string>().find(
                "(holding 50) is rewritten to the computed contribution"),
            std::string::npos)
      << c.dump();
  EXPECT_EQ(p.Stop(10s), 0);
  EXPECT_EQ(TrackFile(), 0);
  EXPECT_EQ((*DemotionStateStore(StatePath()).Load())->applied, 0);
}

}  // namespace
}  // namespace ipv6ha
