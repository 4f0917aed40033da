#pragma once

// Parser for `nft -j list ruleset` (JSON schema version 1, nftables 0.9+).
// Finds NPTv6 rules: a `snat`/`dnat` statement whose address is a prefix and
// whose flags include `netmap`, e.g.
//
//   {"snat": {"addr": {"prefix": {"addr": "2001:db8:1:10::", "len": 64}},
//             "flags": "netmap", "type_flags": "prefix"}}
//
// The rule's `ip6 saddr` (snat) or `ip6 daddr` (dnat) prefix match is the
// `from` side; `oifname`/`iifname` is the interface. Other rules are skipped.
// Output that is not an nftables JSON document is an error. Pure function.

#include <string_view>
#include <vector>

#include "checks/nptv6/npt_rule.h"
#include "exporter/base/expected.h"

namespace ipv6ha {

Expected<std::vector<NptRule>> ParseNftRuleset(std::string_view json_text);

}  // namespace ipv6ha
