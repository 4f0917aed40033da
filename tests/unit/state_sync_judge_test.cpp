// JudgeStateSync row by row: (local copy, peer view, wall and steady time)
// -> status and a piece of the reason. No file is read; the peer's status is
// built as a typed document.

#include <gtest/gtest.h>

#include "checks/state_sync_check.h"

namespace ipv6ha {
namespace {

using std::chrono::seconds;
using SystemClock = std::chrono::system_clock;
using SteadyClock = std::chrono::steady_clock;

const SystemClock::time_point kPeerMtime = SystemClock::from_time_t(1756463400);
const SteadyClock::time_point kSteadyNow =
    SteadyClock::time_point{} + std::chrono::hours(5);

enum class Local { kUnreadable, kAbsent, kSame, kOther };
enum class Peer { kNone, kApiDown, kStale, kBackup, kNoHash, kMaster };

struct Row {
  const char* name;
  Local local;
  Peer peer;
  seconds since_peer_write;  // wall now - the MASTER's mtime
  CheckStatus status;
  const char* reason;  // a substring of the summary
  bool compared;
};

StateSyncObservation Observe(const Row& row) {
  StateSyncObservation o{LocalStateFile{}, std::nullopt};
  if (row.local == Local::kUnreadable) {
    o.local = Error{"open /var/db/dhcp6c-pds.json: Permission denied"};
  } else if (row.local != Local::kAbsent) {
    LocalStateFile f;
    f.exists = true;
    f.sha256 = row.local == Local::kSame ? "aa11" : "bb22";
    o.local = f;
  }
  if (row.peer == Peer::kNone) return o;
  PeerSnapshot snap;
  snap.api_ok = row.peer != Peer::kApiDown;
  snap.error = "connection refused";
  snap.fetched_at =
      kSteadyNow - (row.peer == Peer::kStale ? seconds(31) : seconds(1));
  NodeStatus status;
  status.role = row.peer == Peer::kBackup ? Role::kBackup : Role::kMaster;
  StatusCheck check;
  check.name = "prefix_freshness";
  if (row.peer != Peer::kNoHash) {
    check.file = StatusFile{
        "/var/db/dhcp6c-pds.json", "aa11",
        std::chrono::duration<double>(kPeerMtime.time_since_epoch()).count(),
        std::nullopt, ""};
  }
  status.checks.push_back(check);
  snap.status = status;
  o.peer = snap;
  return o;
}

constexpr auto kOk = CheckStatus::kOk;
constexpr auto kFail = CheckStatus::kFail;
constexpr auto kUnknown = CheckStatus::kUnknown;

const Row kRows[] = {
    {"SameContentIsOk", Local::kSame, Peer::kMaster, seconds(3600), kOk,
     "prefix state matches the MASTER's", true},
    {"OtherContentWithinMaxLagIsOk", Local::kOther, Peer::kMaster, seconds(60),
     kOk, "differs from the MASTER's for 60s, within max_lag 5m", true},
    {"OtherContentBeyondMaxLagFails", Local::kOther, Peer::kMaster,
     seconds(301), kFail, "for 301s (max_lag 5m)", true},
    {"NoLocalCopyFails", Local::kAbsent, Peer::kMaster, seconds(10), kFail,
     "no local copy of the prefix state", true},
    {"UnreadableLocalCopyIsUnknown", Local::kUnreadable, Peer::kMaster,
     seconds(10), kUnknown, "cannot read the local prefix state: open", false},
    {"NoPeerViewIsUnknown", Local::kSame, Peer::kNone, seconds(10), kUnknown,
     "no status from the peer yet", false},
    {"PeerApiDownIsUnknown", Local::kSame, Peer::kApiDown, seconds(10),
     kUnknown, "not available: connection refused", false},
    {"StalePeerViewIsUnknown", Local::kOther, Peer::kStale, seconds(600),
     kUnknown, "31s old (peer_max_age 30s)", false},
    {"PeerNotMasterIsUnknown", Local::kOther, Peer::kBackup, seconds(600),
     kUnknown, "the peer is backup, not master", false},
    {"PeerWithoutHashIsUnknown", Local::kOther, Peer::kNoHash, seconds(600),
     kUnknown, "reports no hash of its prefix state file", false},
};

class StateSyncJudge : public ::testing::TestWithParam<Row> {};

TEST_P(StateSyncJudge, GivesTheStatusAndReason) {
  const Row& row = GetParam();
  const StateSyncConfig config;  // max_lag 5m, peer_max_age 30s
  const StateSyncVerdict v = JudgeStateSync(
      Observe(row), config, kPeerMtime + row.since_peer_write, kSteadyNow);
  EXPECT_EQ(v.status, row.status) << v.summary;
  EXPECT_NE(v.summary.find(row.reason), std::string::npos) << v.summary;
  EXPECT_EQ(v.compared, row.compared) << v.summary;
  if (v.compared && row.local == Local::kSame) EXPECT_EQ(v.lag_seconds, 0);
}

INSTANTIATE_TEST_SUITE_P(Table, StateSyncJudge, ::testing::ValuesIn(kRows),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace ipv6ha
