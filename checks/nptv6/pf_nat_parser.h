#pragma once

// Parser for `pfctl -s nat` output. Recognises the IPv6 `binat` lines that
// OPNsense compiles each NPTv6 rule into, e.g.
//
//   binat on igc0 inet6 from fd00:1:2:10::/64 to any -> 2001:db8:1:10::/64
//   label "NPT LAN"
//
// (`inet6` and `label` are optional; the interface may be quoted). Other
// translation rules -- nat, rdr, IPv4 binat, anchors, `no` rules -- are
// skipped. Text that does not look like pfctl output at all is an error, so a
// wrapper printing garbage is not mistaken for "no rules". Pure function.

#include <string_view>
#include <vector>

#include "checks/nptv6/npt_rule.h"
#include "exporter/base/expected.h"

namespace ipv6ha {

Expected<std::vector<NptRule>> ParsePfNat(std::string_view text);

}  // namespace ipv6ha
