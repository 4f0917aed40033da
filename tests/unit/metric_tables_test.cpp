// Every metric table of the project (checks/metric_table.h) against the
// naming rules of docs/metrics.md, and against docs/metrics.md itself: each
// declared name is documented with its type, and the docs list no metric
// that no table declares.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "checks/check_registry.h"
#include "checks/metric_table.h"
#include "exporter/demotion/demotion_service.h"
#include "exporter/exporter_metrics.h"
#include "exporter/role_monitor.h"
#include "exporter/service_status_trigger.h"
#include "exporter/store/result_store.h"

namespace ipv6ha {
namespace {

struct Owner {
  std::string name;
  MetricTable table;
  bool check = false;    // a check's table: the store adds `check`
  bool process = false;  // the standard process_* metrics
};

// The framework's tables and, through the registry, every check's.
std::vector<Owner> AllTables() {
  std::vector<Owner> out = {
      {"result store", ResultStore::Metrics()},
      {"role monitor", RoleMonitor::Metrics()},
      {"demotion service", DemotionService::Metrics()},
      {"service status trigger", ServiceStatusTrigger::Metrics()},
      {"exporter", ExporterMetrics::Metrics()},
      {"process", ExporterMetrics::ProcessMetrics(), false, true},
  };
  std::set<const MetricDef*> seen;
  for (const auto& type : CheckTypes()) {
    for (MetricTable t : type.metrics) {
      // The probe table is shared by two checks: walk it once.
      if (seen.insert(t.data()).second) out.push_back({type.type, t, true});
    }
  }
  return out;
}

// What is wrong with one declaration, as sentences; empty when nothing.
std::vector<std::string> NamingProblems(const MetricDef& m,
                                        const Owner& owner) {
  static const std::regex kName("[a-z][a-z0-9_]*[a-z0-9]");
  static const std::regex kNotBaseUnit(
      ".*_(milliseconds|microseconds|nanoseconds|ms|us|minutes|hours|days|"
      "kilobytes|megabytes|gigabytes|kb|mb|bits|percent)(_total)?");
  const std::string name(m.name);
  std::vector<std::string> out;
  if (!std::regex_match(name, kName)) out.push_back("is not snake_case");
  const std::string prefix = owner.process ? "process_" : "ipv6_ha_";
  if (name.rfind(prefix, 0) != 0)
    out.push_back("does not start with " + prefix);
  const bool total = name.size() > 6 && name.ends_with("_total");
  if (m.type == prometheus::MetricType::Counter && !total)
    out.push_back("is a counter not ending in _total");
  if (m.type != prometheus::MetricType::Counter && total)
    out.push_back("ends in _total but is no counter");
  if (std::regex_match(name, kNotBaseUnit))
    out.push_back("is not in base units");
  if (m.help.empty()) out.push_back("has no help");
  std::set<std::string_view> labels;
  for (std::size_t i = 0; i < m.label_count(); ++i) {
    const std::string label(m.labels[i]);
    if (!std::regex_match(label, kName))
      out.push_back("label " + label + " is not snake_case");
    if (!labels.insert(m.labels[i]).second)
      out.push_back("repeats label " + label);
    if (owner.check && label == "check")
      out.push_back("declares `check`, which the result store adds");
  }
  for (std::size_t i = m.label_count(); i < m.labels.size(); ++i) {
    if (!m.labels[i].empty()) out.push_back("has a label after an empty one");
  }
  return out;
}

std::string_view TypeName(prometheus::MetricType t) {
  switch (t) {
    case prometheus::MetricType::Counter:
      return "counter";
    case prometheus::MetricType::Gauge:
      return "gauge";
    case prometheus::MetricType::Histogram:
      return "histogram";
    default:
      return "other";
  }
}

// The metrics docs/metrics.md documents: every `name` in the first cell of a
// table row, with the row's type cell ("" when the row gives none).
std::map<std::string, std::string> DocumentedMetrics() {
  std::ifstream in(IPV6HA_FIXTURES "/../../docs/metrics.md");
  EXPECT_TRUE(in) << "cannot read docs/metrics.md";
  static const std::regex kCode("`((ipv6_ha|process)_[a-z0-9_]+)`");
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("|", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream row(line.substr(1));
    for (std::string cell; std::getline(row, cell, '|');) cells.push_back(cell);
    if (cells.size() < 2) continue;
    std::string type = cells[1];
    type.erase(0, type.find_first_not_of(' '));
    type.erase(type.find_last_not_of(' ') + 1);
    for (std::sregex_iterator it(cells[0].begin(), cells[0].end(), kCode), end;
         it != end; ++it) {
      out[(*it)[1]] = type;
    }
  }
  return out;
}

TEST(MetricTablesTest, EveryDeclarationKeepsTheNamingRules) {
  std::map<std::string, std::string> declared_by;
  for (const Owner& owner : AllTables()) {
    ASSERT_FALSE(owner.table.empty()) << owner.name << " declares no metric";
    for (const MetricDef& m : owner.table) {
      for (const auto& problem : NamingProblems(m, owner))
        ADD_FAILURE() << owner.name << ": " << m.name << " " << problem;
      auto [it, fresh] = declared_by.emplace(std::string(m.name), owner.name);
      EXPECT_TRUE(fresh) << m.name << " is declared by " << it->second
                         << " and by " << owner.name;
    }
  }
}

TEST(MetricTablesTest, DocsListExactlyTheDeclaredMetricsWithTheirTypes) {
  const auto documented = DocumentedMetrics();
  ASSERT_FALSE(documented.empty());
  std::set<std::string> declared;
  for (const Owner& owner : AllTables()) {
    for (const MetricDef& m : owner.table) {
      const std::string name(m.name);
      declared.insert(name);
      auto it = documented.find(name);
      if (it == documented.end()) {
        ADD_FAILURE() << name << " (" << owner.name
                      << ") is not documented in docs/metrics.md";
      } else if (!it->second.empty()) {
        EXPECT_EQ(it->second, TypeName(m.type))
            << name << ": docs/metrics.md gives another type";
      }
    }
  }
  for (const auto& [name, type] : documented) {
    EXPECT_TRUE(declared.count(name))
        << "docs/metrics.md lists " << name << ", which no table declares";
  }
}

// The rules themselves: each bad declaration is caught, with its reason.
TEST(MetricTablesTest, TheRulesCatchBadNames) {
  using prometheus::MetricType;
  const Owner framework{"test", {}};
  const Owner check{"test", {}, true};
  struct Case {
    MetricDef def;
    const Owner* owner;
    const char* problem;  // "" = none
  };
  const Case cases[] = {
      {{"ipv6_ha_things_total", "h", MetricType::Counter}, &framework, ""},
      {{"ipv6_ha_probe_rtt_seconds", "h", MetricType::Histogram}, &check, ""},
      {{"node_things_total", "h", MetricType::Counter},
       &framework,
       "does not start with"},
      {{"ipv6_ha_things", "h", MetricType::Counter},
       &framework,
       "not ending in _total"},
      {{"ipv6_ha_age_total", "h", MetricType::Gauge}, &framework, "no counter"},
      {{"ipv6_ha_rtt_milliseconds", "h", MetricType::Gauge},
       &framework,
       "base units"},
      {{"ipv6_ha_Age_seconds", "h", MetricType::Gauge},
       &framework,
       "snake_case"},
      {{"ipv6_ha_age_seconds", "", MetricType::Gauge}, &framework, "no help"},
      {{"ipv6_ha_up", "h", MetricType::Gauge, {"check"}},
       &check,
       "declares `check`"},
      {{"ipv6_ha_up", "h", MetricType::Gauge, {"check"}}, &framework, ""},
      {{"ipv6_ha_up", "h", MetricType::Gauge, {"a", "a"}},
       &framework,
       "repeats label"},
  };
  for (const auto& c : cases) {
    const auto problems = NamingProblems(c.def, *c.owner);
    if (std::string(c.problem).empty()) {
      EXPECT_TRUE(problems.empty()) << c.def.name << ": " << problems.front();
      continue;
    }
    bool found = false;
    for (const auto& p : problems)
      found |= p.find(c.problem) != std::string::npos;
    EXPECT_TRUE(found) << c.def.name << " should be caught: " << c.problem;
  }
}

TEST(MetricSamplesTest, AWrongNumberOfLabelValuesIsRefused) {
  constexpr MetricDef kDef{
      "ipv6_ha_test", "h", prometheus::MetricType::Gauge, {"a", "b"}};
  MetricSamples samples(kDef);
  EXPECT_THROW(samples.Add({"only one"}, 1), std::logic_error);
  samples.Add({"x", "y"}, 2);
  const auto family = samples.Take();
  ASSERT_EQ(family.metric.size(), 1u);
  EXPECT_EQ(family.metric[0].label[0].name, "a");
  EXPECT_EQ(family.metric[0].label[1].value, "y");
  EXPECT_EQ(family.metric[0].gauge.value, 2);
}

}  // namespace
}  // namespace ipv6ha
