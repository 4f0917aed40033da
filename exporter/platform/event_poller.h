#pragma once

// Waits for readiness on many file descriptors from one thread: epoll on
// Linux (event_poller_linux.cpp), kqueue on FreeBSD
// (event_poller_freebsd.cpp). The poller does not own the fds; the
// caller removes an fd before closing it. Not thread safe: one thread uses it.

#include <chrono>
#include <cstdint>
#include <vector>

#include "exporter/base/expected.h"

namespace ipv6ha {

class EventPoller {
 public:
  enum Interest : std::uint32_t { kReadable = 1, kWritable = 2 };
  struct Event {
    int fd;
    std::uint32_t ready;  // Interest bits; errors and hang-ups report both
  };

  EventPoller();
  ~EventPoller();
  EventPoller(const EventPoller&) = delete;
  EventPoller& operator=(const EventPoller&) = delete;

  Status Add(int fd, std::uint32_t interest);
  // Changes what an added fd is watched for (0: only errors and hang-ups).
  void Modify(int fd, std::uint32_t interest);
  void Remove(int fd);
  // Waits up to `timeout` (negative: forever) and returns what became ready.
  std::vector<Event> Wait(std::chrono::milliseconds timeout);

 private:
  int epoll_fd_ = -1;  // the epoll (Linux) or kqueue (FreeBSD) fd
};

}  // namespace ipv6ha
