// The import of ha-singleton.conf and checkset-nptv6.yml, against golden
// YAML files. Set IPV6HA_UPDATE_GOLDEN=1 to rewrite the goldens after an
// intended change (and review the diff).

#include "exporter/import/config_import.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "exporter/config/config.h"

namespace ipv6ha {
namespace {

const std::string kDir = std::string(IPV6HA_FIXTURES) + "/import/";
// The paths the operator would give; the goldens name these, not the fixtures.
const std::string kHaPath = "/usr/local/etc/ha-singleton.conf";
const std::string kNptPath = "/usr/local/etc/checkset-nptv6.yml";

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Expected<std::string> Import(const std::string& ha_fixture,
                             const std::string& nptv6_fixture) {
  std::optional<ShellVariables> ha;
  if (!ha_fixture.empty()) {
    auto parsed = ParseHaSingleton(Read(kDir + ha_fixture), kHaPath);
    if (!parsed) return parsed.error();
    ha = *parsed;
  }
  const std::string nptv6 =
      nptv6_fixture.empty() ? "" : Read(kDir + nptv6_fixture);
  auto derived = DeriveImportedConfig(ha ? &*ha : nullptr, kHaPath, nptv6,
                                      nptv6_fixture.empty() ? "" : kNptPath);
  if (!derived) return derived.error();
  return RenderImportedConfig(*derived);
}

void ExpectGolden(const std::string& actual, const std::string& golden) {
  const std::string path = kDir + golden;
  if (std::getenv("IPV6HA_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path) << actual;
  }
  EXPECT_EQ(actual, Read(path)) << "golden " << golden;
}

struct GoldenCase {
  const char* ha;
  const char* nptv6;
  const char* golden;
};

class ImportGolden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(ImportGolden, RendersTheExpectedYaml) {
  auto yaml = Import(GetParam().ha, GetParam().nptv6);
  ASSERT_TRUE(yaml.ok()) << yaml.error().message;
  ExpectGolden(*yaml, GetParam().golden);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, ImportGolden,
    ::testing::Values(
        GoldenCase{"ha-singleton.conf", "checkset-nptv6-flat.yml",
                   "full-flat.expected.yml"},
        GoldenCase{"ha-singleton-expansions.conf",
                   "checkset-nptv6-mappings.yml",
                   "expansions-mappings.expected.yml"},
        GoldenCase{"ha-singleton-no-sync.conf", "checkset-nptv6-mappings.yml",
                   "no-sync-mappings.expected.yml"},
        GoldenCase{"ha-singleton.conf", "", "ha-singleton-only.expected.yml"},
        GoldenCase{"", "checkset-nptv6-flat.yml",
                   "nptv6-flat-only.expected.yml"},
        // The opnsense-ha example's IPv4 sync link: no brackets in the URL.
        GoldenCase{"ha-singleton-no-sync.conf", "checkset-nptv6-ipv4-sync.yml",
                   "ipv4-sync.expected.yml"}),
    [](const auto& info) {
      std::string name = info.param.golden;
      name = name.substr(0, name.find('.'));
      for (auto& c : name) c = c == '-' ? '_' : c;
      return name;
    });

// What the import writes for an IPv4 sync link is a config that loads: the
// peer by IPv4 address and its API without brackets.
TEST(ConfigImport, Ipv4BackupNodeIpGivesAConfigThatLoads) {
  auto yaml =
      Import("ha-singleton-no-sync.conf", "checkset-nptv6-ipv4-sync.yml");
  ASSERT_TRUE(yaml.ok()) << yaml.error().message;
  EXPECT_NE(yaml->find("api: \"http://192.168.105.2:9646\""), std::string::npos)
      << *yaml;
  CheckEnv env;
  auto loaded = LoadConfigFromString(*yaml, "imported.yml", env);
  if (!loaded) {
    // Files of the operator's machine (pds file, nptv6 config) are not
    // here; the peer section must not be among the complaints.
    EXPECT_EQ(loaded.error().message.find("peer"), std::string::npos)
        << loaded.error().message;
  }
}

TEST(ConfigImport, AltDefrouteWinsOverBackupNodeIp) {
  auto yaml = Import("ha-singleton.conf", "checkset-nptv6-mappings.yml");
  ASSERT_TRUE(yaml.ok());
  EXPECT_NE(yaml->find("address: \"fd03:17ac:e938:10::1\""), std::string::npos);
  EXPECT_NE(yaml->find("from ALT_DEFROUTE_IPV6 in " + kHaPath),
            std::string::npos);
}

TEST(ConfigImport, BackupNodeIpIsThePeerWithoutAltDefroute) {
  auto yaml =
      Import("ha-singleton-no-sync.conf", "checkset-nptv6-mappings.yml");
  ASSERT_TRUE(yaml.ok());
  EXPECT_NE(yaml->find("address: \"fd03:17ac:e938:10::2\""), std::string::npos);
  EXPECT_NE(yaml->find("apply_rules_only_on_master: false"), std::string::npos);
  EXPECT_NE(yaml->find("pds_file: /var/db/dhcp6c-pds-ha.json"),
            std::string::npos);
}

TEST(ConfigImport, NothingToImportIsAnError) {
  EXPECT_FALSE(DeriveImportedConfig(nullptr, "", "", "").ok());
}

TEST(ConfigImport, BadHaFlagInNptv6ConfigIsALineNumberedError) {
  auto yaml = Import("", "checkset-nptv6-bad-ha.yml");
  ASSERT_FALSE(yaml.ok());
  EXPECT_EQ(
      yaml.error().message,
      kNptPath + ":4:31: ha.apply_rules_only_on_master must be true or false");
}

TEST(ConfigImport, LanInterfacesThatAreNoMappingIsALineNumberedError) {
  auto yaml = Import("", "checkset-nptv6-no-lans.yml");
  ASSERT_FALSE(yaml.ok());
  EXPECT_EQ(yaml.error().message.rfind(kNptPath + ":2:17: lan-interfaces", 0),
            0u)
      << yaml.error().message;
}

TEST(ConfigImport, ShellErrorsKeepTheirLineNumbers) {
  auto yaml = Import("ha-singleton-unterminated-quote.conf", "");
  ASSERT_FALSE(yaml.ok());
  EXPECT_EQ(yaml.error().message, kHaPath + ":3: unterminated double quote");
}

TEST(ConfigImport, ImportFilesReadsRealPathsAndReportsMissingOnes) {
  auto yaml = ImportConfigFiles(kDir + "ha-singleton.conf",
                                kDir + "checkset-nptv6-flat.yml");
  ASSERT_TRUE(yaml.ok()) << yaml.error().message;
  EXPECT_NE(yaml->find("nptv6_config: " + kDir + "checkset-nptv6-flat.yml"),
            std::string::npos);
  auto missing = ImportConfigFiles(kDir + "no-such.conf", "");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no-such.conf: cannot read"),
            std::string::npos);
}

// Every golden is a config the exporter accepts. Checks whose type is not in
// this build (they come from other parts of the project) are left out first.
TEST(ConfigImport, GoldenConfigsLoadAsExporterConfigs) {
  for (const char* golden :
       {"full-flat.expected.yml", "expansions-mappings.expected.yml",
        "no-sync-mappings.expected.yml", "ha-singleton-only.expected.yml",
        "nptv6-flat-only.expected.yml"}) {
    YAML::Node root = YAML::Load(Read(kDir + golden));
    ASSERT_TRUE(root.IsMap()) << golden;
    for (const char* key : {"listen", "role", "checks", "demotion"}) {
      EXPECT_TRUE(root[key]) << golden << " lacks " << key;
    }
    YAML::Node checks(YAML::NodeType::Map);
    for (const auto& check : root["checks"]) {
      const std::string name = check.first.as<std::string>();
      const std::string type =
          check.second["type"] ? check.second["type"].as<std::string>() : name;
      if (FindCheckType(type) != nullptr) checks[name] = check.second;
    }
    root["checks"] = checks;
    auto loaded = LoadConfigFromString(YAML::Dump(root), golden, CheckEnv{});
    EXPECT_TRUE(loaded.ok())
        << golden << ": " << (loaded.ok() ? "" : loaded.error().message);
  }
}

}  // namespace
}  // namespace ipv6ha
