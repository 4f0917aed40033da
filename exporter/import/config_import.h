#pragma once

// Derives an ipv6_ha_exporter configuration from an existing opnsense-ha +
// opnsense-ipv6 installation: ha-singleton.conf (shell variables) and
// checkset-nptv6.yml. The result is YAML text an operator can review, save
// and pass to --check-config; nothing is written anywhere.
//
// What comes from where:
//   peer.address      ALT_DEFROUTE_IPV6, else ha.backup_node_ip
//   pds file          dhcp6c-pds-file of checkset-nptv6.yml, else the default
//   nptv6_rules       the checkset-nptv6.yml path,
//   ha.apply_rules_only_on_master services          SERVICES (default "rtsold
//   dhcp6c radvd"), role table of
//                     the services check
//   ipv6_connectivity one routed check, plus one observe-only check per WAN
//                     interface of WAN_INTS when there are several
//   state_sync        when SYNC_IPV6_STATE or ha.sync_state is on
// Either input may be missing (empty path), not both. Pure functions apart
// from ImportConfigFiles, which reads the two files. Thread safe.

#include <string>
#include <string_view>
#include <vector>

#include "exporter/base/expected.h"
#include "exporter/import/ha_singleton_parser.h"

namespace ipv6ha {

struct ImportedLanMapping {
  std::string lan;        // "LAN"
  std::string interface;  // "igc2"
  std::string wan;        // "" in the flat shape
  std::string pd_id;
  std::string sla;
  std::string pd_len;
};

struct ImportedConfig {
  std::string ha_singleton_path;  // "" when not imported
  std::string nptv6_path;         // "" when not imported
  std::string peer_address;       // "" when neither file names the peer
  std::string peer_address_from;  // "ALT_DEFROUTE_IPV6 in ..." for the comment
  std::string pds_file = "/var/db/dhcp6c-pds.json";
  bool apply_rules_only_on_master = true;
  std::vector<std::string> wan_interfaces;
  std::vector<std::string> services;
  bool sync_state = false;
  std::vector<ImportedLanMapping> lan_mappings;
  std::vector<std::string> notes;  // warnings, rendered as comments
};

// `ha` is the parsed ha-singleton.conf (null when not imported); `nptv6_text`
// the checkset-nptv6.yml content (ignored when `nptv6_path` is empty).
// Errors read "path:line:column: what is wrong".
Expected<ImportedConfig> DeriveImportedConfig(const ShellVariables* ha,
                                              const std::string& ha_path,
                                              std::string_view nptv6_text,
                                              const std::string& nptv6_path);

// The configuration as commented YAML.
std::string RenderImportedConfig(const ImportedConfig& config);

// Reads the files, derives, renders: what `--import-ha-singleton FILE
// --import-nptv6 FILE --print-config` prints.
Expected<std::string> ImportConfigFiles(const std::string& ha_singleton_arg,
                                        const std::string& nptv6_arg);

}  // namespace ipv6ha
