#include "exporter/peer/peer_status.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "exporter/status_document.h"

namespace ipv6ha {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(IPV6HA_FIXTURES) + "/peer_status/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(PeerStatusTest, FullDocumentIsRead) {
  auto s = ParsePeerStatus(Fixture("master_ready.json"));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->node, "fw1");
  EXPECT_EQ(s->role, Role::kMaster);
  EXPECT_TRUE(s->ready);
  EXPECT_EQ(s->version, "0.1.0");
  ASSERT_EQ(s->checks.size(), 3u);
  EXPECT_EQ(s->checks[1].name, "ipv6_connectivity");
  EXPECT_EQ(s->checks[1].status, CheckStatus::kFail);
  EXPECT_EQ(s->checks[1].scope, Scope::kUpstream);
  EXPECT_EQ(s->checks[1].weight, 100);
}

TEST(PeerStatusTest, CheckWithoutStatusReadsAsUnknown) {
  auto s = ParsePeerStatus(
      R"({"role": "master", "ready": true, "checks": [{"name": "x"}]})");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->checks[0].status, CheckStatus::kUnknown);
}

TEST(PeerStatusTest, MinimalDocumentNeedsOnlyRoleAndReady) {
  auto s = ParsePeerStatus(Fixture("backup_minimal.json"));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->role, Role::kBackup);
  EXPECT_FALSE(s->ready);
  EXPECT_TRUE(s->checks.empty());
}

TEST(PeerStatusTest, RoleNameWeDoNotWriteIsRefused) {
  auto s = ParsePeerStatus(Fixture("unknown_role.json"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("\"role\" is \"leader\", not one of "
                                   "master, backup, init, fault, unknown"),
            std::string::npos)
      << s.error().message;
}

TEST(PeerStatusTest, RoleFaultOfAKeepalivedPeerIsRead) {
  auto s = ParsePeerStatus(R"({"role": "fault", "ready": false})");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->role, Role::kFault);
}

TEST(PeerStatusTest, RoleUnknownAsWeWriteItIsRead) {
  auto s = ParsePeerStatus(R"({"role": "unknown", "ready": false})");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->role, Role::kUnknown);
}

// Documents that a lying or broken peer sent and that each counted as a
// ready peer: each is now refused with the member that is wrong.
struct SchemaCase {
  const char* body;
  const char* reason;
};

class PeerStatusSchema : public ::testing::TestWithParam<SchemaCase> {};

TEST_P(PeerStatusSchema, RefusesTheDocument) {
  auto s = ParsePeerStatus(GetParam().body);
  ASSERT_FALSE(s.ok()) << GetParam().body;
  EXPECT_EQ(
      s.error().message.rfind("peer sent an invalid status document: ", 0), 0u)
      << s.error().message;
  EXPECT_NE(s.error().message.find(GetParam().reason), std::string::npos)
      << s.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    LyingPeers, PeerStatusSchema,
    ::testing::Values(
        SchemaCase{
            R"({"role":"master","ready":true,"controller":{"desired":-240}})",
            "controller \"desired\" must not be negative (-240)"},
        SchemaCase{R"({"role":"MASTER","ready":true})",
                   "\"role\" is \"MASTER\""},
        SchemaCase{R"({"role":"Master","ready":true})",
                   "\"role\" is \"Master\""},
        SchemaCase{
            R"({"role":"backup","ready":true,"checks":[{"name":"a","weight":-100,"status":"fail"}]})",
            "checks[0] \"weight\" must not be negative (-100)"},
        SchemaCase{
            R"({"role":"backup","ready":true,"checks":[{"name":"a","status":"FAIL"}]})",
            "checks[0] \"status\" is \"FAIL\", not one of ok, fail, unknown"},
        SchemaCase{
            R"({"role":"backup","ready":true,"checks":[{"name":"a","scope":"Local"}]})",
            "checks[0] \"scope\" is \"Local\""},
        SchemaCase{
            R"({"role":"backup","ready":true,"checks":[{"name":"a","applicable":"no"}]})",
            "checks[0] \"applicable\" is not a boolean"},
        SchemaCase{
            R"({"role":"backup","ready":true,"checks":[{"status":"ok"}]})",
            "checks[0] has no string \"name\""},
        SchemaCase{R"({"role":"backup","ready":true,"checks":[7]})",
                   "checks[0] is not an object"},
        SchemaCase{
            R"({"role":"backup","ready":true,"controller":{"desired":"0"}})",
            "controller \"desired\" is not a number"},
        SchemaCase{R"({"ready":true})", "has no string \"role\""}));

// 200,000 levels of arrays (400 KB, under the 1 MiB body limit) once parsed
// fine and then overflowed the stack when the document was copied.
TEST(PeerStatusTest, DeepNestingIsRefusedBeforeAnyTreeIsBuilt) {
  const std::size_t depth = 200000;
  const std::string body = R"({"role":"master","ready":true,"junk":)" +
                           std::string(depth, '[') + std::string(depth, ']') +
                           "}";
  auto s = ParsePeerStatus(body);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("deeper than 32 levels"), std::string::npos)
      << s.error().message;
}

TEST(PeerStatusTest, ModerateNestingInDetailsIsRead) {
  auto s = ParsePeerStatus(
      R"({"role":"master","ready":true,"checks":[{"name":"a","details":)"
      R"({"b":[{"c":[{"d":{"e":[1]}}]}]}}]})");
  EXPECT_TRUE(s.ok()) << s.error().message;
}

struct BadCase {
  const char* file;
  const char* reason;
};

class PeerStatusRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(PeerStatusRejects, WithAReason) {
  auto s = ParsePeerStatus(Fixture(GetParam().file));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find(GetParam().reason), std::string::npos)
      << s.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, PeerStatusRejects,
    ::testing::Values(
        BadCase{"garbage.html", "not JSON"},
        BadCase{"truncated.json", "not JSON"},
        BadCase{"array.json", "not a JSON object"},
        BadCase{"ready_is_string.json", "\"ready\" is not a boolean"},
        BadCase{"checks_not_array.json", "\"checks\" is not an array"},
        BadCase{"weight_is_string.json", "\"weight\" is not a number"}));

TEST(PeerStatusTest, EmptyBodyIsRejected) {
  EXPECT_FALSE(ParsePeerStatus("").ok());
}

TEST(PeerStatusTest, RoleOfWrongTypeIsRejected) {
  auto s = ParsePeerStatus(R"({"role": 1, "ready": true})");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("\"role\" is not a string"),
            std::string::npos);
}

// The document we write must pass the schema we read with, or two nodes of
// one build could never vouch for each other.
TEST(PeerStatusTest, OurOwnStatusDocumentPassesTheSchema) {
  StatusInputs in;
  in.node = "fw1";
  in.version = "0.1.0";
  in.role = Role::kBackup;
  in.ready = true;
  in.now = std::chrono::system_clock::now();
  CheckRecord record;
  record.settings.name = "nptv6_rules";
  record.settings.type = "nptv6_rules";
  record.settings.weight = 100;
  record.settings.scope = Scope::kUpstream;
  record.result = CheckResult::Fail("mapping absent");
  record.result->details = {{"expected", {{{"internal", "fd00::/64"}}}}};
  record.runs = 3;
  record.last_run_end = in.now;
  in.checks.push_back(record);
  StatusController controller;
  controller.enabled = true;
  controller.desired = 100;
  controller.applied = 100;
  controller.max = 240;
  controller.reason = "demoting";
  in.controller = controller;
  auto s = ParsePeerStatus(DumpStatusDocument(BuildStatusDocument(in)));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->role, Role::kBackup);
  ASSERT_EQ(s->checks.size(), 1u);
  EXPECT_EQ(s->checks[0].status, CheckStatus::kFail);
  EXPECT_EQ(s->checks[0].scope, Scope::kUpstream);
  EXPECT_EQ(s->checks[0].weight, 100);
}

}  // namespace
}  // namespace ipv6ha
