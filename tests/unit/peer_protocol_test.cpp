// The peer protocol end to end, as two nodes of one build use it: one node
// builds its status document from its check records and its controller's
// report, the other parses the text and assesses it. What one writes, the
// other reads field for field; a worse peer is seen as worse.

#include <gtest/gtest.h>

#include "exporter/demotion/peer_assessment.h"
#include "exporter/peer/peer_status.h"
#include "exporter/status_document.h"

namespace ipv6ha {
namespace {

using std::chrono::seconds;

CheckRecord Record(const std::string& name, Scope scope, int weight,
                   CheckResult result, bool applicable = true) {
  CheckRecord r;
  r.settings.name = r.settings.type = name;
  r.settings.scope = scope;
  r.settings.weight = weight;
  r.settings.interval = seconds(10);
  r.result = std::move(result);
  r.applicable = applicable;
  r.runs = 7;
  r.last_run_end = std::chrono::system_clock::now();
  return r;
}

StatusController Controller(double desired) {
  StatusController c;
  c.enabled = true;
  c.sink = "keepalived_track_file";
  c.desired = desired;
  c.applied = desired;
  c.max = 240;
  c.unknown_hold = "5m";
  c.reason = "not demoting: all weighted checks healthy";
  c.suppressed = {"peer_not_ready"};
  StatusShare share;
  share.name = "nptv6_rules";
  share.scope = Scope::kLocal;
  share.weight = 50;
  share.down = share.contributing = share.leased = share.held = true;
  share.evidence = "unknown";
  share.lease_remaining_seconds = 260;
  share.held_for_seconds = 40;
  c.checks.push_back(share);
  c.decisions.push_back({"2026-12-01T09:00:00Z", 50, "demoting by 50: ..."});
  c.peer = StatusAssessment{"fw1",
                            true,
                            true,
                            true,
                            "peer fw1 ready",
                            "peer fw1 ready",
                            "peer fw1 confirms its upstream"};
  c.extra = {{"flap_guard", {{"engaged", false}}}};
  return c;
}

// fw2 as it would send itself: BACKUP, ready, upstream ok, one check that
// does not apply on BACKUP.
StatusInputs Fw2(CheckStatus upstream) {
  StatusInputs in;
  in.node = "fw2";
  in.version = "0.1.0";
  in.role = Role::kBackup;
  in.ready = true;
  in.now = std::chrono::system_clock::now();
  CheckResult pds = CheckResult::Ok("1 active PD");
  pds.details = {{"file",
                  {{"path", "/var/db/dhcp6c-pds.json"},
                   {"sha256", "ab12"},
                   {"mtime_unix", 1756463400.2},
                   {"age_seconds", 12.5}}},
                 {"last_run", "2025-08-29T10:30:00"}};
  in.checks = {
      Record("prefix_freshness", Scope::kLocal, 100, pds),
      Record(
          "ipv6_connectivity", Scope::kUpstream, 100,
          CheckResult{upstream, "3/3 targets", nlohmann::json::object(), {}}),
      Record("nptv6_rules", Scope::kLocal, 50, CheckResult::Unknown("not run"),
             /*applicable=*/false),
      Record("peer_reachability", Scope::kLocal, 0,
             CheckResult::Fail("peer unreachable"))};
  in.controller = Controller(0);
  return in;
}

// What the other node does with the reply body.
PeerAssessment Assess(const std::string& body) {
  PeerSnapshot snap;
  snap.reachable = snap.api_ok = true;
  snap.address = "192.0.2.2";
  auto parsed = ParsePeerStatus(body);
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  if (parsed) snap.status = *parsed;
  const auto now = std::chrono::steady_clock::now();
  snap.fetched_at = now;
  return AssessPeer(snap, "", now, seconds(30), {"ipv6_connectivity"});
}

TEST(PeerProtocolTest, WhatOneNodeWritesTheOtherReadsFieldForField) {
  const StatusInputs in = Fw2(CheckStatus::kOk);
  const NodeStatus written = BuildNodeStatus(in);
  auto read = ParsePeerStatus(DumpStatusDocument(WriteStatusDocument(written)));
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->node, "fw2");
  EXPECT_EQ(read->role, Role::kBackup);
  EXPECT_TRUE(read->ready);
  EXPECT_EQ(read->time, written.time);
  ASSERT_EQ(read->checks.size(), 4u);
  const StatusCheck& pds = read->checks[0];
  EXPECT_EQ(pds.status, CheckStatus::kOk);
  EXPECT_EQ(pds.scope, Scope::kLocal);
  EXPECT_EQ(pds.weight, 100);
  ASSERT_TRUE(pds.file.has_value());
  EXPECT_EQ(pds.file->sha256, "ab12");
  EXPECT_EQ(pds.file->mtime_unix, 1756463400.2);
  EXPECT_EQ(pds.file->last_run, "2025-08-29T10:30:00");
  EXPECT_FALSE(read->checks[2].applicable);
  EXPECT_EQ(read->checks[3].weight, 0);
  ASSERT_TRUE(read->controller.has_value());
  const StatusController& c = *read->controller;
  EXPECT_EQ(c.sink, "keepalived_track_file");
  EXPECT_EQ(c.applied, 0);
  EXPECT_EQ(c.unknown_hold, "5m");
  ASSERT_EQ(c.checks.size(), 1u);
  EXPECT_TRUE(c.checks[0].leased);
  EXPECT_TRUE(c.checks[0].held);
  EXPECT_EQ(c.checks[0].lease_remaining_seconds, 260);
  EXPECT_EQ(c.checks[0].held_for_seconds, 40);
  ASSERT_EQ(c.decisions.size(), 1u);
  EXPECT_EQ(c.decisions[0].desired, 50);
  ASSERT_TRUE(c.peer.has_value());
  EXPECT_EQ(c.peer->upstream_summary, "peer fw1 confirms its upstream");
  // Written again from what was read, the typed members are the same text.
  nlohmann::json again = WriteStatusDocument(*read);
  nlohmann::json first = WriteStatusDocument(written);
  again["controller"].erase("flap_guard");  // extra: written, not read
  first["controller"].erase("flap_guard");
  EXPECT_EQ(again.dump(), first.dump());
}

TEST(PeerProtocolTest, AReadyPeerWithAWorkingUpstreamIsBetterAndVouches) {
  const auto a =
      Assess(DumpStatusDocument(BuildStatusDocument(Fw2(CheckStatus::kOk))));
  EXPECT_TRUE(a.ready) << a.summary;
  EXPECT_TRUE(a.better) << a.better_summary;
  EXPECT_TRUE(a.upstream_ok) << a.upstream_summary;
  // Not configured by name: the name it reports.
  EXPECT_EQ(a.summary, "peer fw2 ready");
}

TEST(PeerProtocolTest, APeerWhoseUpstreamFailsIsReadyButNoBetter) {
  const auto a =
      Assess(DumpStatusDocument(BuildStatusDocument(Fw2(CheckStatus::kFail))));
  EXPECT_TRUE(a.ready) << a.summary;
  EXPECT_FALSE(a.better);
  EXPECT_EQ(a.better_summary,
            "peer fw2 is no better: its ipv6_connectivity fails (upstream)");
  EXPECT_FALSE(a.upstream_ok);
}

TEST(PeerProtocolTest, APeerThatKnowsNothingIsNoBetter) {
  StatusInputs in = Fw2(CheckStatus::kUnknown);
  in.checks[0].result = CheckResult::Unknown("pds file unreadable");
  const auto a = Assess(DumpStatusDocument(BuildStatusDocument(in)));
  EXPECT_TRUE(a.ready);
  EXPECT_FALSE(a.better);
  EXPECT_EQ(a.better_summary,
            "peer fw2 is no better: its weighted checks are all unknown "
            "(prefix_freshness, ipv6_connectivity)");
}

TEST(PeerProtocolTest, APeerDemotingItselfIsNotReady) {
  StatusInputs in = Fw2(CheckStatus::kOk);
  in.controller = Controller(100);
  const auto a = Assess(DumpStatusDocument(BuildStatusDocument(in)));
  EXPECT_FALSE(a.ready);
  EXPECT_EQ(a.summary, "peer fw2 is demoting itself by 100");
}

// The shape AssessPeer once accepted and the schema refused: checks keyed
// by name. One parser now decides, and it says why.
TEST(PeerProtocolTest, ChecksKeyedByNameAreRefusedNotAssessed) {
  auto s = ParsePeerStatus(
      R"({"role":"backup","ready":true,"checks":{"a":{"status":"ok"}}})");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            "peer sent an invalid status document: \"checks\" is not an "
            "array (it is object)");
}

// Members we add to the document are typed on the way in too.
TEST(PeerProtocolTest, NewMembersAreCheckedAsStrictlyAsTheOldOnes) {
  auto lease = ParsePeerStatus(
      R"({"role":"master","ready":true,"controller":{"checks":[)"
      R"({"name":"a","lease":{"remaining_seconds":-1}}]}})");
  ASSERT_FALSE(lease.ok());
  EXPECT_NE(lease.error().message.find(
                "controller checks[0] lease \"remaining_seconds\" must not be "
                "negative (-1)"),
            std::string::npos)
      << lease.error().message;
  auto file = ParsePeerStatus(
      R"({"role":"master","ready":true,"checks":[{"name":"p","details":)"
      R"({"file":{"sha256":7}}}]})");
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.error().message.find(
                "checks[0] details file \"sha256\" is not a string"),
            std::string::npos)
      << file.error().message;
}

}  // namespace
}  // namespace ipv6ha
