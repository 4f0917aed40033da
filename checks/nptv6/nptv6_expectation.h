#pragma once

// Which NPTv6 mappings this node should have: the LAN mappings of
// checkset-nptv6.yml resolved against the current delegated prefixes and the
// LANs' ULA addresses. Pure logic; the caller supplies interface addresses.
//
//   external = subnet `sla` of length len(PD) + pd-len inside PD `pd-id`
//   internal = the /64 of the LAN interface's address inside ipv6-ula, or an
//              explicit prefix from our own config (lan_internal)

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checks/nptv6/nptv6_config_parser.h"
#include "checks/pds/ipv6_prefix.h"
#include "checks/pds/pds_state_parser.h"

namespace ipv6ha {

// Interface name -> its IPv6 addresses.
using InterfaceAddressMap = std::map<std::string, std::vector<Ipv6Bytes>>;

struct ExpectedMapping {
  Nptv6Mapping mapping;
  std::string pd_interface;  // the WAN device from the pds file, if known
  std::optional<Ipv6Prefix> internal;
  std::optional<Ipv6Prefix> external;
  // Why internal or external could not be computed ("" when both are known).
  std::string error;
  bool config_error = false;  // the error is in the NPTv6 config itself
};

struct ExpectationInputs {
  const Nptv6Config* config = nullptr;
  const PdsState* pds = nullptr;
  const InterfaceAddressMap* addresses = nullptr;
  std::optional<Ipv6Prefix> ula_override;          // replaces ipv6-ula
  std::map<std::string, Ipv6Prefix> lan_internal;  // LAN name -> internal
};

std::vector<ExpectedMapping> ComputeExpectedMappings(
    const ExpectationInputs& inputs);

// The external prefix of one mapping inside delegated prefix `pd`.
Expected<Ipv6Prefix> ExternalPrefix(const Ipv6Prefix& pd, std::uint64_t sla,
                                    int pd_len);

}  // namespace ipv6ha
