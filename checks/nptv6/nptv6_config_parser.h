#pragma once

// Parser for opnsense-ipv6's checkset-nptv6.yml, the file that says which LAN
// is translated onto which delegated prefix. Two shapes of lan-interfaces:
//
//   LAN: {interface: igc2, pd-id: 2, sla-id: 0, prefix-len: 0}
//   LAN: {interface: lagg0, mappings: {WAN: {pd-id: 2, pd-sla: 0, pd-len: 0},
//                                      WAN2: {pd-id: 0, pd-sla: 1, pd-len: 4}}}
//
// plus `ipv6-ula` (the ULA prefix the LAN addresses live in) and an optional
// `ha:` block. Keys the exporter does not use (api-key, api-base, ...) are
// ignored: the file belongs to another tool. Pure function, thread safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/pds/ipv6_prefix.h"
#include "exporter/base/expected.h"

namespace ipv6ha {

struct Nptv6Mapping {
  std::string lan;        // key under lan-interfaces ("LAN")
  std::string interface;  // the LAN device ("igc2")
  std::string wan;        // key under mappings ("WAN2"); "" in the flat shape
  std::string pd_id;      // prefix delegation id in the pds file
  std::uint64_t sla = 0;  // subnet number inside the delegated prefix
  int pd_len = 0;         // extra prefix bits; 0 = the whole delegation
  std::string where;      // "file:line:column" of the mapping, for messages
};

struct Nptv6HaSettings {
  bool enabled = false;
  bool sync_state = false;
  std::string backup_node_ip;
  bool apply_rules_only_on_master = true;
};

struct Nptv6Config {
  std::optional<Ipv6Prefix> ula;       // ipv6-ula
  std::string pds_file;                // dhcp6c-pds-file, "" when absent
  std::vector<Nptv6Mapping> mappings;  // in file order
  bool has_ha_block = false;
  Nptv6HaSettings ha;
};

// `name` stands for the file in messages. Errors read
// "name:line:column: what is wrong".
Expected<Nptv6Config> ParseNptv6Config(std::string_view yaml_text,
                                       const std::string& name);

}  // namespace ipv6ha
