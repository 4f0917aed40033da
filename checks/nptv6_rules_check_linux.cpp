// Linux translates prefixes with nftables.
#include "checks/nptv6_rules_check.h"

namespace ipv6ha {

const char* DefaultNptv6Backend() { return "nft"; }

}  // namespace ipv6ha
