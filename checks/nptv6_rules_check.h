#pragma once

// `nptv6_rules`: are the NPTv6 rules this node should have loaded, and only
// those? Expected mappings come from checkset-nptv6.yml + the prefix state
// file + the LAN interfaces' ULA addresses (nptv6_expectation.h); loaded
// rules from `pfctl -s nat` (backend pf) or `nft -j list ruleset` (nft).
//
// Role-aware. Rules are wanted on MASTER, and on every node when
// apply_rules_only_on_master is false (from the `ha:` block, default true,
// or overridden in our config):
//   wanted:      fail when a mapping is missing or stale
//   not wanted:  fail when a rule for a LAN's internal prefix is loaded
//                (two nodes would translate the same prefix)
//   unknown      the command fails, times out or prints something
//                unparseable; the NPTv6 config or the prefix state file is
//                unreadable; a mapping cannot be computed (and nothing failed)
// Unexpected NPTv6 rules are reported, not failed on. Role unknown -> unknown.

#include <functional>
#include <string>

#include "checks/check_registry.h"
#include "checks/nptv6/npt_rule.h"
#include "checks/nptv6/nptv6_expectation.h"
#include "checks/nptv6_rules_judge.h"

namespace ipv6ha {

class Nptv6RulesCheck : public Check {
 public:
  using AddressSource = std::function<Expected<InterfaceAddressMap>()>;

  // `addresses` defaults to the live interfaces (getifaddrs).
  explicit Nptv6RulesCheck(Nptv6RulesConfig config,
                           AddressSource addresses = nullptr);
  CheckResult Run(const RunContext& context) override;

 private:
  Nptv6Observation Observe(const RunContext& context);
  Expected<std::vector<NptRule>> LoadedRules(const RunContext& context);

  Nptv6RulesConfig config_;
  AddressSource addresses_;
};

CheckRegistration Nptv6RulesCheckRegistration();

// `backend` when the config names none: "pf" on FreeBSD, "nft" on Linux
// (nptv6_rules_check_{freebsd,linux}.cpp).
const char* DefaultNptv6Backend();

}  // namespace ipv6ha
