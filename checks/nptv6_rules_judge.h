#pragma once

// The verdict of `nptv6_rules` (checks/nptv6_rules_check.h) from what the
// check read: the NPTv6 config, the prefix state, the interfaces' addresses
// and the loaded rules. Pure, no I/O, so
// tests/unit/nptv6_rules_judge_test.cpp drives it with literal inputs.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checks/check.h"
#include "checks/nptv6/npt_rule.h"
#include "checks/nptv6/nptv6_classifier.h"
#include "checks/nptv6/nptv6_config_parser.h"
#include "checks/nptv6/nptv6_expectation.h"
#include "checks/pds/ipv6_prefix.h"
#include "checks/pds/pds_state_parser.h"
#include "exporter/base/duration.h"

namespace ipv6ha {

struct Nptv6RulesConfig {
  std::string nptv6_config = "/usr/local/etc/checkset-nptv6.yml";
  // "" = the file's dhcp6c-pds-file, else /var/db/dhcp6c-pds.json.
  std::string pds_file;
  std::string backend;  // "pf" or "nft"
  std::string command;  // path of pfctl or nft
  std::optional<Ipv6Prefix> ula_prefix;
  std::map<std::string, Ipv6Prefix> lan_internal;
  std::optional<bool> apply_rules_only_on_master;
  std::size_t max_file_bytes = 4 * 1024 * 1024;
  Duration timeout{std::chrono::seconds(5)};
};

// What one run read. `read_error` is the sentence of the first read that
// failed (the other fields are then incomplete); empty when all were read.
struct Nptv6Observation {
  Role role = Role::kUnknown;
  bool role_mixed = false;
  std::string read_error;
  Nptv6Config nptv6;
  PdsState pds;
  InterfaceAddressMap addresses;
  std::vector<NptRule> rules;
};

struct Nptv6Verdict {
  CheckStatus status = CheckStatus::kUnknown;
  std::string summary;
  bool classified = false;  // the fields below are set
  Classification classification;
  std::map<MappingState, int> counts;  // every state, also at 0
  bool only_master = true;             // apply_rules_only_on_master in effect
  bool wanted = false;                 // rules belong on this node in its role
  bool judged = false;  // false while CARP is mixed and only_master
};

// No time argument: nothing in the verdict depends on the time.
Nptv6Verdict JudgeNptv6Rules(const Nptv6Observation& observation,
                             const Nptv6RulesConfig& config);

}  // namespace ipv6ha
