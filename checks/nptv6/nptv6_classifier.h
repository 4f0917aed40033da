#pragma once

// Compares expected NPTv6 mappings with the rules a backend reported.
//
//   present  a rule internal -> external and one external -> internal
//   stale    a rule for the same internal prefix with another external
//            prefix (the classic failure after the ISP hands out a new one)
//   missing  neither (or only one direction: the mapping does not work)
//   unknown  the mapping itself could not be computed
//
// A mapping whose two rules are loaded is present even when an old rule for
// the same internal prefix lingers; that rule is then reported as unexpected.
// Rules that belong to no expected mapping are returned as unexpected. Pure.

#include <string>
#include <string_view>
#include <vector>

#include "checks/nptv6/npt_rule.h"
#include "checks/nptv6/nptv6_expectation.h"
#include "exporter/base/name_table.h"

namespace ipv6ha {

enum class MappingState { kPresent, kMissing, kStale, kUnknown };

inline constexpr auto kMappingStateNames =
    MakeNameTable<MappingState>({{MappingState::kPresent, "present"},
                                 {MappingState::kMissing, "missing"},
                                 {MappingState::kStale, "stale"},
                                 {MappingState::kUnknown, "unknown"}});
inline constexpr auto kAllMappingStates = kMappingStateNames.Values();

constexpr std::string_view MappingStateName(MappingState s) {
  return kMappingStateNames.Name(s);
}

struct ClassifiedMapping {
  ExpectedMapping expected;
  MappingState state = MappingState::kUnknown;
  std::string reason;  // one line for humans
  // Rules that mention this mapping's internal prefix (present or stale).
  std::vector<NptRule> rules;
};

struct Classification {
  std::vector<ClassifiedMapping> mappings;
  std::vector<NptRule> unexpected;
};

Classification ClassifyMappings(const std::vector<ExpectedMapping>& expected,
                                const std::vector<NptRule>& rules);

}  // namespace ipv6ha
