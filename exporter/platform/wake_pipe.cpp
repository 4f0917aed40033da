#include "exporter/platform/wake_pipe.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace ipv6ha {

Expected<WakePipe> WakePipe::Create() {
  int fds[2];
  if (pipe(fds) != 0) {
    return Error{std::string("cannot create a pipe: ") + std::strerror(errno)};
  }
  UniqueFd read(fds[0]), write(fds[1]);
  for (int fd : fds) {
    if (fcntl(fd, F_SETFL, O_NONBLOCK) != 0 ||
        fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
      return Error{std::string("cannot set up a pipe: ") +
                   std::strerror(errno)};
    }
  }
  return WakePipe(std::move(read), std::move(write));
}

void WakePipe::Wake() const {
  const char byte = 1;
  (void)!write(write_.get(), &byte, 1);  // full: a wake-up is pending
}

void WakePipe::Drain() const {
  char buf[256];
  while (read(read_.get(), buf, sizeof(buf)) > 0) {
  }
}

}  // namespace ipv6ha
