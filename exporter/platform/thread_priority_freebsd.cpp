#include "exporter/platform/thread_priority.h"

namespace ipv6ha {

// getpriority(2)/setpriority(2) on FreeBSD take a process, process group or
// user, never a thread: lowering "our" priority would slow every thread,
// the checks included. So there is nothing to do per thread.
bool LowerThreadPriority(int /*steps*/) { return false; }

}  // namespace ipv6ha
