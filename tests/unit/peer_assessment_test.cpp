// AssessPeer on typed peer statuses: how reasons name the peer, what a peer
// that never answered reads as, and which peers are ready, better and
// vouching.

#include "exporter/demotion/peer_assessment.h"

#include <gtest/gtest.h>

#include "tests/support/peer_document.h"

namespace ipv6ha {
namespace {

using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

const Clock::time_point kNow = Clock::time_point{} + std::chrono::hours(2);

PeerSnapshot Answering(const std::string& node) {
  PeerSnapshot p;
  p.address = "192.168.105.2";
  p.reachable = p.api_ok = true;
  nlohmann::json doc = {{"role", "backup"}, {"ready", true}};
  if (!node.empty()) doc["node"] = node;
  p.status = testing::PeerDocument(doc);
  p.fetched_at = kNow - seconds(1);
  return p;
}

PeerAssessment Assess(const std::optional<PeerSnapshot>& p,
                      const std::string& configured = "") {
  return AssessPeer(p, configured, kNow, seconds(30), {});
}

struct NameCase {
  const char* configured;
  const char* reported;
  const char* address;
  const char* summary;
};

class PeerNaming : public ::testing::TestWithParam<NameCase> {};

TEST_P(PeerNaming, ByConfigThenReportedNameThenAddress) {
  PeerSnapshot p = Answering(GetParam().reported);
  p.address = GetParam().address;
  EXPECT_EQ(Assess(p, GetParam().configured).summary, GetParam().summary);
}

INSTANTIATE_TEST_SUITE_P(
    Names, PeerNaming,
    ::testing::Values(
        NameCase{"fw2", "fw2-reported", "192.0.2.2", "peer fw2 ready"},
        NameCase{"", "fw2-reported", "192.0.2.2", "peer fw2-reported ready"},
        NameCase{"", "", "192.168.105.2", "peer 192.168.105.2 ready"},
        NameCase{"", "", "", "the peer ready"}));

TEST(PeerAssessmentTest, NoSnapshotYetIsNotHeardFrom) {
  const auto a = Assess(std::nullopt, "fw2");
  EXPECT_FALSE(a.ready);
  EXPECT_EQ(a.summary, "peer fw2 not heard from yet");
}

// Once read as "status is stale (768s old)": the age of a fetch that never
// happened, i.e. the machine's uptime.
TEST(PeerAssessmentTest, APeerThatNeverAnsweredSaysSoWithTheError) {
  PeerSnapshot p;
  p.address = "192.168.105.2";
  p.error = "peer unreachable: timeout after 900ms";
  const auto a = Assess(p);
  EXPECT_FALSE(a.ready);
  EXPECT_EQ(a.summary,
            "peer 192.168.105.2 has not answered since we started: peer "
            "unreachable: timeout after 900ms");
  EXPECT_EQ(a.summary.find("stale"), std::string::npos);
}

TEST(PeerAssessmentTest, AStatusThatStoppedIsStaleWithItsAge) {
  PeerSnapshot p = Answering("fw2");
  p.fetched_at = kNow - seconds(40);
  EXPECT_EQ(Assess(p).summary, "peer fw2 status is stale (40s old)");
}

// After a good reply, an invalid one: the last good document stays for its
// age, but the peer is not ready on it.
TEST(PeerAssessmentTest, AnInvalidReplyAfterAGoodOneIsNotReady) {
  PeerSnapshot p = Answering("fw2");
  p.api_ok = false;
  p.error =
      "peer sent an invalid status document: \"role\" is \"MASTER\", not one "
      "of master, backup, init, unknown";
  const auto a = Assess(p);
  EXPECT_FALSE(a.ready);
  EXPECT_FALSE(a.better);
  EXPECT_EQ(a.summary.rfind("peer fw2 API not answering: peer sent an invalid "
                            "status document: ",
                            0),
            0u)
      << a.summary;
}

TEST(PeerAssessmentTest, APeerWithNoWeightedCheckIsReadyAndBetter) {
  const auto a = Assess(Answering("fw2"));
  EXPECT_TRUE(a.ready);
  EXPECT_TRUE(a.better) << a.better_summary;
  EXPECT_FALSE(a.upstream_ok);
  EXPECT_EQ(a.upstream_summary,
            "peer fw2 runs no upstream check it could vouch with");
}

}  // namespace
}  // namespace ipv6ha
