#pragma once

// A self-pipe that wakes a thread waiting in poll/epoll/kqueue: any thread
// calls Wake(); the waiting thread watches read_fd() and calls Drain()
// when it is readable. Both ends are non-blocking and close-on-exec; a
// full pipe means a wake-up is already pending, so Wake() never blocks.

#include "exporter/base/expected.h"
#include "exporter/platform/unique_fd.h"

namespace ipv6ha {

class WakePipe {
 public:
  // "cannot create a pipe: <errno text>" when the process is out of fds.
  static Expected<WakePipe> Create();

  int read_fd() const { return read_.get(); }
  void Wake() const;
  void Drain() const;

 private:
  WakePipe(UniqueFd read, UniqueFd write)
      : read_(std::move(read)), write_(std::move(write)) {}
  UniqueFd read_, write_;
};

}  // namespace ipv6ha
