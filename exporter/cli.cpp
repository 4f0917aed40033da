#include "exporter/cli.h"

namespace ipv6ha {
int RunCli(int, char**) { return 0; }
}  // namespace ipv6ha
