#include "exporter/base/name_table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "checks/check.h"
#include "checks/nptv6/nptv6_classifier.h"
#include "checks/services_check.h"
#include "exporter/demotion/demotion_controller.h"
#include "exporter/platform/role_source.h"
#include "exporter/plugin_output.h"

namespace ipv6ha {
namespace {

enum class Color { kRed, kGreen };
constexpr auto kColorNames =
    MakeNameTable<Color>({{Color::kRed, "red"}, {Color::kGreen, "green"}});

TEST(NameTableTest, PrintsAndParsesFromTheSameEntries) {
  static_assert(kColorNames.Name(Color::kGreen) == "green");
  EXPECT_EQ(kColorNames.Parse("red"), Color::kRed);
  EXPECT_EQ(kColorNames.Parse("Red"), std::nullopt);  // case-sensitive
  EXPECT_EQ(kColorNames.Parse(""), std::nullopt);
  EXPECT_EQ(kColorNames.Values().size(), 2u);
  EXPECT_EQ(kColorNames.Values()[1], Color::kGreen);
}

// Every table of the project: each value prints a distinct, non-empty name
// that parses back to it.
template <typename Table>
void ExpectRoundTrip(const Table& table, const char* what) {
  std::set<std::string_view> names;
  for (auto value : table.Values()) {
    const std::string_view name = table.Name(value);
    EXPECT_FALSE(name.empty()) << what;
    EXPECT_TRUE(names.insert(name).second) << what << ": " << name << " twice";
    EXPECT_EQ(table.Parse(name), value) << what << ": " << name;
  }
}

TEST(NameTableTest, EveryEnumTableRoundTrips) {
  ExpectRoundTrip(kRoleNames, "Role");
  ExpectRoundTrip(kCheckStatusNames, "CheckStatus");
  ExpectRoundTrip(kScopeNames, "Scope");
  ExpectRoundTrip(kCarpStateNames, "CarpState");
  ExpectRoundTrip(kVrrpStateNames, "VrrpState");
  ExpectRoundTrip(kMappingStateNames, "MappingState");
  ExpectRoundTrip(kPluginStateNames, "PluginState");
  ExpectRoundTrip(kSuppressionNames, "Suppression");
  ExpectRoundTrip(kEvidenceNames, "Evidence");
  ExpectRoundTrip(kExpectationNames, "ServiceExpectation");
}

// The names are a contract (metric labels, the status document, config):
// the tables still say what the switches said.
TEST(NameTableTest, NamesAreTheDocumentedOnes) {
  EXPECT_EQ(RoleName(Role::kFault), "fault");
  EXPECT_EQ(StatusName(CheckStatus::kUnknown), "unknown");
  EXPECT_EQ(ScopeName(Scope::kUpstream), "upstream");
  EXPECT_EQ(CarpStateName(CarpState::kInit), "init");
  EXPECT_EQ(VrrpStateName(VrrpState::kStop), "stop");
  EXPECT_EQ(MappingStateName(MappingState::kStale), "stale");
  EXPECT_EQ(PluginStateName(PluginState::kCritical), "CRITICAL");
  EXPECT_EQ(SuppressionName(Suppression::kRoleUnknown), "role_unknown");
  EXPECT_EQ(EvidenceName(Evidence::kNotApplicable), "not_applicable");
  EXPECT_EQ(ExpectationName(ServiceExpectation::kAny), "any");
  EXPECT_EQ(kAllRoles.size(), 5u);
  EXPECT_EQ(kAllSuppressions.size(), 6u);
}

}  // namespace
}  // namespace ipv6ha
