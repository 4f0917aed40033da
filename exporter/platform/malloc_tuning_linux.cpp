#include <malloc.h>

#include "exporter/platform/malloc_tuning.h"

namespace ipv6ha {

void TuneMalloc() { mallopt(M_ARENA_MAX, 2); }

}  // namespace ipv6ha
