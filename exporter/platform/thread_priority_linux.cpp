#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "exporter/platform/thread_priority.h"

namespace ipv6ha {

bool LowerThreadPriority(int steps) {
  // On Linux the nice value belongs to the thread: PRIO_PROCESS with a
  // thread id sets it for that thread only.
  const pid_t tid = gettid();
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
  if (current == -1 && errno != 0) return false;
  return setpriority(PRIO_PROCESS, static_cast<id_t>(tid),
                     std::min(19, current + steps)) == 0;
}

}  // namespace ipv6ha
