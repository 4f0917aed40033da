// Linux has no CARP: every call says so, and the sysctl sink reports it.
#include "exporter/platform/carp_demotion_sysctl.h"

namespace ipv6ha {

namespace {
constexpr char kNotAvailable[] =
    "net.inet.carp.demotion is not available: this system is not FreeBSD";
}  // namespace

Expected<std::int64_t> ReadCarpDemotion() { return Error{kNotAvailable}; }
Status AddCarpDemotion(std::int64_t) { return Error{kNotAvailable}; }
Expected<std::string> CarpDemotionEpoch() { return Error{kNotAvailable}; }

}  // namespace ipv6ha
