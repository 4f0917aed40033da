#pragma once

// Waits for readiness on many file descriptors from one thread: epoll on
// Linux, poll(2) elsewhere (FreeBSD). The poller does not own the fds; the
// caller removes an fd before closing it. Not thread safe: one thread uses it.

#include <chrono>
#include <cstdint>
#include <vector>

#include "exporter/platform/expected.h"

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
  void Remove(int fd);
  // Waits up to `timeout` (negative: forever) and returns what became ready.
  std::vector<Event> Wait(std::chrono::milliseconds timeout);

 private:
  int epoll_fd_ = -1;                               // Linux
  std::vector<std::pair<int, std::uint32_t>> fds_;  // poll(2) fallback
};

}  // namespace ipv6ha
