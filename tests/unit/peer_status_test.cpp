#include "checks/peer_status.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

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
  EXPECT_EQ(s->checks[1].status, "fail");
  EXPECT_EQ(s->checks[1].scope, "upstream");
  EXPECT_EQ(s->checks[1].weight, 100);
}

TEST(PeerStatusTest, UnknownCheckStatusReadsAsUnknown) {
  auto s = ParsePeerStatus(Fixture("master_ready.json"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->checks[2].status, "unknown");
}

TEST(PeerStatusTest, MinimalDocumentNeedsOnlyRoleAndReady) {
  auto s = ParsePeerStatus(Fixture("backup_minimal.json"));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->role, Role::kBackup);
  EXPECT_FALSE(s->ready);
  EXPECT_TRUE(s->checks.empty());
}

TEST(PeerStatusTest, UnknownRoleNameReadsAsUnknownRole) {
  auto s = ParsePeerStatus(Fixture("unknown_role.json"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->role, Role::kUnknown);
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
        BadCase{"ready_is_string.json", "boolean \"ready\""},
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

}  // namespace
}  // namespace ipv6ha
