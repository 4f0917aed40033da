#include "checks/check_registry.h"

#include "checks/command_check.h"
#include "checks/ipv6_connectivity_check.h"
#include "checks/nptv6_rules_check.h"
#include "checks/peer_reachability_check.h"
#include "checks/prefix_freshness_check.h"
#include "checks/services_check.h"
#include "checks/state_sync_check.h"

namespace ipv6ha {

const std::vector<CheckRegistration>& CheckTypes() {
  static const std::vector<CheckRegistration> kTypes = {
      CommandCheckRegistration(),          ServicesCheckRegistration(),
      StateSyncCheckRegistration(),        Ipv6ConnectivityCheckRegistration(),
      PeerReachabilityCheckRegistration(), PrefixFreshnessCheckRegistration(),
      Nptv6RulesCheckRegistration(),
  };
  return kTypes;
}

const CheckRegistration* FindCheckType(const std::string& type) {
  for (const auto& t : CheckTypes()) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

}  // namespace ipv6ha
