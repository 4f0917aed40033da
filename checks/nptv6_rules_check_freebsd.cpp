// FreeBSD (OPNsense) translates prefixes with pf's binat rules.
#include "checks/nptv6_rules_check.h"

namespace ipv6ha {

const char* DefaultNptv6Backend() { return "pf"; }

}  // namespace ipv6ha
