#include "exporter/platform/deadline.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>

namespace ipv6ha {

std::chrono::milliseconds Deadline::Left() const {
  const auto left =
      std::chrono::ceil<std::chrono::milliseconds>(at_ - Clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}

bool Deadline::WaitFd(int fd, short events) const {
  for (;;) {
    pollfd p{fd, events, 0};
    const int n = poll(&p, 1, static_cast<int>(Left().count()));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return true;  // let the next call report it
  }
}

}  // namespace ipv6ha
