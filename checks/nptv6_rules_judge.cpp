#include "checks/nptv6_rules_judge.h"

#include "exporter/text/join.h"

namespace ipv6ha {
namespace {

// Failures and unknowns of the classified mappings, by the role's wish.
void Sort(const Nptv6Observation& o, const Nptv6Verdict& v,
          std::vector<std::string>& failures,
          std::vector<std::string>& unknowns) {
  for (const auto& m : v.classification.mappings) {
    const auto& e = m.expected;
    const std::string name =
        e.mapping.lan + (e.mapping.wan.empty() ? "" : "/" + e.mapping.wan);
    if (m.state == MappingState::kUnknown) {
      unknowns.push_back(name + ": " + m.reason);
    } else if (!v.judged) {
      // reported in the summary
    } else if (v.wanted && m.state != MappingState::kPresent) {
      failures.push_back(name + ": " + m.reason);
    } else if (!v.wanted && !m.rules.empty()) {
      failures.push_back(name + ": a rule for " + e.internal->ToString() +
                         " is loaded although this node is " +
                         std::string(RoleName(o.role)));
    }
  }
}

void Summarize(const Nptv6Observation& o, Nptv6Verdict& v) {
  std::vector<std::string> failures, unknowns;
  Sort(o, v, failures, unknowns);
  const std::string role(RoleName(o.role));
  const std::string present = std::to_string(v.counts[MappingState::kPresent]);
  if (!failures.empty()) {
    v.status = CheckStatus::kFail;
    v.summary = Join(failures, "; ");
  } else if (!unknowns.empty()) {
    v.summary = Join(unknowns, "; ");
  } else if (!v.judged) {
    v.summary =
        "CARP is mixed (some vhids MASTER, some not): whether NPTv6 rules "
        "belong on this node is not judged until every vhid agrees; " +
        present + " of " + std::to_string(v.classification.mappings.size()) +
        " mapping(s) loaded";
  } else {
    v.status = CheckStatus::kOk;
    v.summary =
        v.wanted ? present + " NPTv6 mapping(s) loaded as expected on " + role
                 : "no NPTv6 rules for the LANs on " + role + ", as expected";
  }
  if (!v.classification.unexpected.empty()) {
    v.summary += " (" + std::to_string(v.classification.unexpected.size()) +
                 " unexpected NPTv6 rule(s))";
  }
}

}  // namespace

Nptv6Verdict JudgeNptv6Rules(const Nptv6Observation& o,
                             const Nptv6RulesConfig& config) {
  Nptv6Verdict v;
  if (o.role == Role::kUnknown) {
    v.summary =
        "the node's role is unknown, so it is unclear whether NPTv6 rules "
        "should be loaded";
    return v;
  }
  if (!o.read_error.empty()) {
    v.summary = o.read_error;
    return v;
  }
  ExpectationInputs inputs;
  inputs.config = &o.nptv6;
  inputs.pds = &o.pds;
  inputs.addresses = &o.addresses;
  inputs.ula_override = config.ula_prefix;
  inputs.lan_internal = config.lan_internal;
  v.classification = ClassifyMappings(ComputeExpectedMappings(inputs), o.rules);
  v.classified = true;
  for (MappingState s : kAllMappingStates) v.counts[s] = 0;
  for (const auto& m : v.classification.mappings) ++v.counts[m.state];
  v.only_master = config.apply_rules_only_on_master.value_or(
      o.nptv6.ha.apply_rules_only_on_master);
  v.wanted = o.role == Role::kMaster || !v.only_master;
  // Mixed CARP (some vhids MASTER, some not) is a failover in progress or a
  // split between the nodes: rules may rightly be loaded or not, and which
  // node should hold them cannot be told from here. So neither presence nor
  // absence is judged (docs/checks.md).
  v.judged = !(o.role_mixed && v.only_master);
  Summarize(o, v);
  return v;
}

}  // namespace ipv6ha
