#include "exporter/config/config.h"

#include <gtest/gtest.h>

#include <string>

namespace ipv6ha {
namespace {

Expected<LoadedConfig> Load(const std::string& yaml) {
  CheckEnv env;
  return LoadConfigFromString(yaml, "test.yml", env);
}

std::string ErrorOf(const std::string& yaml) {
  auto c = Load(yaml);
  if (c) return "";
  return c.error().message;
}

TEST(ConfigTest, DesignCardExampleLoads) {
  auto c =
      LoadConfig(std::string(IPV6HA_FIXTURES) + "/config/full.yml", CheckEnv{});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->config.node_name, "fw1");
  EXPECT_EQ(c->config.listen, std::vector<std::string>{"[::]:9646"});
  EXPECT_EQ(c->config.role.source, "static");
  EXPECT_EQ(c->config.commands.at("pfctl"), "/sbin/pfctl");
  EXPECT_EQ(c->config.peer.address, "fd03:17ac:e938:10::2");
  EXPECT_EQ(c->config.demotion.fall, 3);
  EXPECT_EQ(c->config.demotion.rise, 5);
  EXPECT_EQ(c->config.demotion.hold_down, std::chrono::seconds(30));
  EXPECT_EQ(c->config.demotion.max, 240);
  EXPECT_EQ(c->config.demotion.upstream_failover,
            UpstreamFailover::kPeerConfirmed);
  ASSERT_EQ(c->checks.size(), 1u);
  EXPECT_EQ(c->checks[0].settings.name, "uplink_script");
  EXPECT_EQ(c->checks[0].settings.weight, 50);
  EXPECT_EQ(c->checks[0].settings.interval, std::chrono::seconds(5));
}

TEST(ConfigTest, MinimalConfigGetsDefaults) {
  auto c = Load("node: {name: a}\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->config.listen, std::vector<std::string>{"[::]:9646"});
  EXPECT_EQ(c->config.role.static_role, Role::kMaster);
  EXPECT_TRUE(c->checks.empty());
}

TEST(ConfigTest, EmptyConfigIsRejected) {
  EXPECT_NE(ErrorOf("").find("test.yml: config is empty"), std::string::npos);
  EXPECT_NE(ErrorOf("# only a comment\n").find("empty"), std::string::npos);
}

TEST(ConfigTest, SyntaxErrorNamesLineAndColumn) {
  const std::string err = ErrorOf("node:\n  name: [fw1\n");
  EXPECT_NE(err.find("test.yml:3:1: YAML syntax error"), std::string::npos)
      << err;
}

TEST(ConfigTest, UnknownTopLevelKeyIsAnError) {
  const std::string err = ErrorOf("node: {name: a}\nlisten_adress: x\n");
  EXPECT_EQ(err, "test.yml:2:1: unknown key \"listen_adress\"");
}

TEST(ConfigTest, UnknownNestedKeyNamesItsPath) {
  const std::string err = ErrorOf("demotion:\n  fall: 3\n  raise: 5\n");
  EXPECT_EQ(err, "test.yml:3:3: unknown key \"demotion.raise\"");
}

TEST(ConfigTest, WrongTypeNamesTheKey) {
  EXPECT_EQ(ErrorOf("demotion: {fall: three}\n"),
            "test.yml:1:18: demotion.fall must be a whole number");
  EXPECT_EQ(ErrorOf("demotion: {dry_run: maybe}\n"),
            "test.yml:1:21: demotion.dry_run must be true or false");
  EXPECT_EQ(ErrorOf("node: [a, b]\n"),
            "test.yml:1:7: node must be a mapping of keys to values");
}

TEST(ConfigTest, NegativeDurationIsRejected) {
  const std::string err = ErrorOf("demotion: {hold_down: -30s}\n");
  EXPECT_NE(err.find("test.yml:1:23: demotion.hold_down: negative duration"),
            std::string::npos)
      << err;
}

TEST(ConfigTest, OutOfRangeNumberIsRejected) {
  EXPECT_EQ(ErrorOf("demotion: {fall: 0}\n"),
            "test.yml:1:18: demotion.fall must be between 1 and 1000, not 0");
}

TEST(ConfigTest, EnumListsTheChoices) {
  EXPECT_EQ(ErrorOf("demotion: {upstream_failover: sometimes}\n"),
            "test.yml:1:31: demotion.upstream_failover must be one of never, "
            "peer_confirmed, always, not \"sometimes\"");
}

TEST(ConfigTest, UnknownCheckListsKnownTypes) {
  const std::string err = ErrorOf("checks:\n  prefix_freshnes: {}\n");
  EXPECT_NE(err.find("test.yml:2:3: unknown check \"prefix_freshnes\""),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("command"), std::string::npos);
}

TEST(ConfigTest, UnknownKeyInsideACheckIsAnError) {
  const std::string err =
      ErrorOf("checks:\n  c: {type: command, argv: [/bin/true], wieght: 5}\n");
  EXPECT_EQ(err, "test.yml:2:41: unknown key \"checks.c.wieght\"");
}

TEST(ConfigTest, EveryErrorIsReportedNotOnlyTheFirst) {
  const std::string err = ErrorOf("demotion: {fall: x, rise: y}\nbogus: 1\n");
  EXPECT_NE(err.find("demotion.fall"), std::string::npos);
  EXPECT_NE(err.find("demotion.rise"), std::string::npos);
  EXPECT_NE(err.find("bogus"), std::string::npos);
}

TEST(ConfigTest, CommandPathsMustBeAbsoluteAndKnown) {
  EXPECT_EQ(
      ErrorOf("commands: {pfctl: pfctl}\n"),
      "test.yml:1:19: commands.pfctl must be an absolute path, not \"pfctl\"");
  EXPECT_NE(
      ErrorOf("commands: {pfctll: /sbin/pfctl}\n").find("unknown command"),
      std::string::npos);
}

TEST(ConfigTest, VipRoleNeedsAnAddress) {
  EXPECT_NE(ErrorOf("role: {source: vip}\n").find("role.vip is required"),
            std::string::npos);
}

TEST(ConfigTest, PlainTextPasswordIsRejected) {
  EXPECT_NE(ErrorOf("web: {basic_auth_users: {admin: hunter2}}\n")
                .find("must be a bcrypt hash"),
            std::string::npos);
}

TEST(ConfigTest, UnreadableFileNamesTheFile) {
  auto c = LoadConfig("/nonexistent/ipv6ha.yml", CheckEnv{});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message,
            "/nonexistent/ipv6ha.yml: cannot read: No such file or directory");
}

TEST(ConfigTest, BadFixturesAllFailWithPositions) {
  for (const char* name : {"bad_syntax.yml", "bad_unknown_key.yml",
                           "bad_types.yml", "bad_negative_duration.yml"}) {
    auto c = LoadConfig(std::string(IPV6HA_FIXTURES) + "/config/" + name,
                        CheckEnv{});
    ASSERT_FALSE(c) << name;
    EXPECT_NE(c.error().message.find(std::string(name) + ":"),
              std::string::npos)
        << c.error().message;
  }
}

TEST(ConfigTest, StatusFileDefaultsToThePlatformDefault) {
  auto c = Load("node: {name: a}\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->config.status_file, kDefaultStatusFile);
#ifdef __FreeBSD__
  EXPECT_EQ(c->config.status_file, "/var/run/ipv6_ha_exporter/status.json");
#else
  EXPECT_EQ(c->config.status_file, "") << "off on Linux unless configured";
#endif
}

TEST(ConfigTest, StatusFileTakesAnAbsolutePath) {
  auto c = Load("status_file: /run/ipv6_ha_exporter/status.json\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->config.status_file, "/run/ipv6_ha_exporter/status.json");
}

TEST(ConfigTest, EmptyStatusFileTurnsItOff) {
  auto c = Load("status_file: \"\"\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->config.status_file, "");
}

TEST(ConfigTest, RelativeStatusFileIsAnErrorAtItsValue) {
  EXPECT_EQ(ErrorOf("node: {name: a}\nstatus_file: status.json\n"),
            "test.yml:2:14: status_file must be an absolute path (or \"\" for "
            "none), not \"status.json\"");
}

TEST(ConfigTest, StatusFileMustNameAFile) {
  EXPECT_EQ(ErrorOf("status_file: /run/ipv6_ha_exporter/\n"),
            "test.yml:1:14: status_file must name a file, not a directory: "
            "\"/run/ipv6_ha_exporter/\"");
}

TEST(ConfigTest, StatusFileMustBeAString) {
  EXPECT_EQ(ErrorOf("status_file: [/a, /b]\n"),
            "test.yml:1:14: status_file must be a string");
}

TEST(ConfigTest, StatusFileMustNotReplaceTheDemotionFiles) {
  EXPECT_EQ(ErrorOf("demotion: {state_file: /var/db/ipv6ha.state}\n"
                    "status_file: /var/db/./ipv6ha.state\n"),
            "test.yml:2:14: status_file must not be demotion.state_file "
            "(/var/db/ipv6ha.state)");
  EXPECT_EQ(ErrorOf("demotion: {sink: keepalived_track_file, track_file: "
                    "/run/ipv6ha/demote}\n"
                    "status_file: /run/ipv6ha/demote\n"),
            "test.yml:2:14: status_file must not be demotion.track_file "
            "(/run/ipv6ha/demote)");
}

}  // namespace
}  // namespace ipv6ha

namespace ipv6ha {
namespace {

TEST(ShippedConfigTest, AnnotatedExampleIsValid) {
  CheckEnv env;
  env.peer_view = std::make_shared<PeerView>();
  auto c = LoadConfig(
      std::string(IPV6HA_FIXTURES) + "/../../examples/ipv6_ha_exporter.yml",
      env);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->checks.size(), 6u);
  EXPECT_TRUE(c->config.demotion.dry_run);
  // The OPNsense service status script reads it there.
  EXPECT_EQ(c->config.status_file, "/var/run/ipv6_ha_exporter/status.json");
}

}  // namespace
}  // namespace ipv6ha
