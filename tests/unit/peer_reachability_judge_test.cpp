// JudgePeer row by row: (probe outcome, fetch, parsed status, config) ->
// status and a piece of the reason. Nothing is probed or fetched.

#include <gtest/gtest.h>

#include "checks/peer_reachability_check.h"

namespace ipv6ha {
namespace {

using Outcome = HttpFetchResult::Outcome;
using std::chrono::microseconds;

enum class Probe { kNone, kAnswered, kLost, kError };
enum class Api { kNone, kRefused, kGood, kBad, k401 };

struct Row {
  const char* name;
  Probe probe;
  Api api;
  bool credentials;  // peer.basic_auth set
  CheckStatus status;
  const char* reason;  // a substring of the summary
};

PeerObservation Observe(const Row& row) {
  PeerObservation o;
  if (row.probe == Probe::kAnswered)
    o.probe = ProbeOutcome{ProbeResult::kSuccess, microseconds(300), ""};
  if (row.probe == Probe::kLost)
    o.probe = ProbeOutcome{ProbeResult::kFailure, {}, "timeout after 800ms"};
  if (row.probe == Probe::kError)
    o.probe = ProbeOutcome{ProbeResult::kError, {}, "cannot resolve fw2"};
  if (row.api == Api::kNone) return o;
  HttpFetchResult fetch;
  fetch.outcome =
      row.api == Api::kRefused ? Outcome::kConnectFailed : Outcome::kOk;
  fetch.status = row.api == Api::k401 ? 401 : 200;
  fetch.error = row.api == Api::kRefused ? "connection refused" : "";
  o.fetch = fetch;
  if (row.api == Api::kGood)
    o.status =
        ParsePeerStatus(R"({"node":"fw2","role":"backup","ready":true})");
  if (row.api == Api::kBad) o.status = ParsePeerStatus("<html>");
  return o;
}

constexpr auto kOk = CheckStatus::kOk;
constexpr auto kFail = CheckStatus::kFail;
constexpr auto kUnknown = CheckStatus::kUnknown;

const Row kRows[] = {
    {"AnsweringPeerWithStatusIsOk", Probe::kAnswered, Api::kGood, false, kOk,
     "peer fw2 reachable (rtt 0.30ms), backup, ready"},
    {"ProbeOnlyIsOk", Probe::kAnswered, Api::kNone, false, kOk,
     "peer reachable (rtt 0.30ms)"},
    {"ApiOnlyIsOk", Probe::kNone, Api::kGood, false, kOk,
     "peer fw2 reachable, backup, ready"},
    {"LostProbeFails", Probe::kLost, Api::kGood, false, kFail,
     "peer unreachable: timeout after 800ms"},
    {"ProbeErrorIsUnknown", Probe::kError, Api::kGood, false, kUnknown,
     "cannot probe the peer: cannot resolve fw2"},
    {"RefusedApiFails", Probe::kAnswered, Api::kRefused, false, kFail,
     "peer answers probes but its API is unreachable: connection refused"},
    {"RefusedApiAloneFails", Probe::kNone, Api::kRefused, false, kFail,
     "peer API is unreachable"},
    {"InvalidDocumentIsUnknown", Probe::kAnswered, Api::kBad, false, kUnknown,
     "not JSON"},
    {"MissingCredentialsAreUnknown", Probe::kAnswered, Api::k401, false,
     kUnknown, "peer requires credentials (401); set peer.basic_auth"},
    {"RejectedCredentialsAreUnknown", Probe::kAnswered, Api::k401, true,
     kUnknown, "peer rejected our credentials (401)"},
};

class PeerJudge : public ::testing::TestWithParam<Row> {};

TEST_P(PeerJudge, GivesTheStatusAndReason) {
  const Row& row = GetParam();
  PeerReachabilityConfig config;
  if (row.credentials) config.fetch.username = "monitor";
  const CheckResult r = JudgePeer(Observe(row), config);
  EXPECT_EQ(r.status, row.status) << r.summary;
  EXPECT_NE(r.summary.find(row.reason), std::string::npos) << r.summary;
}

INSTANTIATE_TEST_SUITE_P(Table, PeerJudge, ::testing::ValuesIn(kRows),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace ipv6ha
