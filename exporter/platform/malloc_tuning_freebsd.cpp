#include "exporter/platform/malloc_tuning.h"

namespace ipv6ha {

// jemalloc, FreeBSD's allocator, keeps four arenas per CPU and returns
// unused pages by itself (its decay); nothing to tune here.
void TuneMalloc() {}

}  // namespace ipv6ha
