#pragma once

// One loaded NPTv6 translation rule as the backends report it, normalised:
// traffic from `from` is translated to `to`. pf's `binat on IF from A to any
// -> B` is one rule A -> B; nftables' `ip6 saddr A snat ip6 prefix to B` is
// A -> B and `ip6 daddr B dnat ip6 prefix to A` is B -> A.

#include <optional>
#include <string>

#include "checks/pds/ipv6_prefix.h"

namespace ipv6ha {

struct NptRule {
  std::string interface;           // "" when the rule names none
  std::optional<Ipv6Prefix> from;  // nullopt: nft rule without a prefix match
  Ipv6Prefix to;
  std::string label;   // pf label, "" when none
  std::string source;  // the pf line, or "table/chain #handle"
};

}  // namespace ipv6ha
