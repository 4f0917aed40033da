#include "exporter/platform/thread_priority.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace ipv6ha {

bool LowerThreadPriority(int steps) {
#if defined(__linux__)
  // On Linux the nice value belongs to the thread: PRIO_PROCESS with a
  // thread id sets it for that thread only.
  const pid_t tid = gettid();
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
  if (current == -1 && errno != 0) return false;
  return setpriority(PRIO_PROCESS, static_cast<id_t>(tid),
                     std::min(19, current + steps)) == 0;
#else
  (void)steps;
  return false;
#endif
}

}  // namespace ipv6ha
