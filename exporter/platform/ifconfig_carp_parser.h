#pragma once

// Pure parser of FreeBSD `ifconfig` output (all interfaces) into one entry per
// CARP vhid. Handles FreeBSD 13 (`carp: MASTER vhid 1 advbase 1 advskew 0`)
// and FreeBSD 14, which prints a second line `peer 224.0.0.18 peer6 ff02::12`
// under each carp line. Interface names are taken verbatim (igb0, vlan0.10,
// igb1_vlan10, lagg0).

#include <string_view>
#include <vector>

#include "exporter/platform/role_source.h"

namespace ipv6ha {

std::vector<CarpVhid> ParseIfconfigCarp(std::string_view text);

// OPNsense's rule: the node is MASTER only when every vhid is MASTER. Sets
// role, mixed and detail of `reading` from its vhids; no vhid at all is
// role unknown with an error.
void DeriveNodeRole(RoleReading& reading);

}  // namespace ipv6ha
