#pragma once

// Scheduling priority of the calling thread.

namespace ipv6ha {

// Makes the calling thread `steps` nice levels lower in priority than it is
// (capped at 19), so it yields the CPU to the process's other threads when
// both are runnable. Unprivileged: lowering priority needs no capability.
// Returns false when the platform has no per-thread nice value (FreeBSD's
// setpriority(2) acts on the whole process, so there it does nothing).
bool LowerThreadPriority(int steps);

}  // namespace ipv6ha
