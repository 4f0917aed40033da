#pragma once

// What a check found (CheckStatus) and whose fault a failure may be (Scope),
// with their names as the status document, /metrics and the config spell
// them. Below checks/ so the peer protocol can read them without the check
// interface.

#include <string_view>

#include "exporter/base/name_table.h"

namespace ipv6ha {

enum class CheckStatus { kOk, kFail, kUnknown };

inline constexpr auto kCheckStatusNames =
    MakeNameTable<CheckStatus>({{CheckStatus::kOk, "ok"},
                                {CheckStatus::kFail, "fail"},
                                {CheckStatus::kUnknown, "unknown"}});
inline constexpr auto kAllCheckStatuses = kCheckStatusNames.Values();

constexpr std::string_view StatusName(CheckStatus s) {
  return kCheckStatusNames.Name(s);
}

// local: a fault of this node; failing over fixes it.
// upstream: may be shared by both nodes (ISP outage); failing over may not
// help.
enum class Scope { kLocal, kUpstream };

inline constexpr auto kScopeNames = MakeNameTable<Scope>(
    {{Scope::kLocal, "local"}, {Scope::kUpstream, "upstream"}});

constexpr std::string_view ScopeName(Scope s) { return kScopeNames.Name(s); }

}  // namespace ipv6ha
