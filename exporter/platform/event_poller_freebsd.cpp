// FreeBSD: poll(2), portable and enough for the few sockets one prober
// engine waits on.
#include <poll.h>

#include <algorithm>

#include "exporter/platform/event_poller.h"

namespace ipv6ha {

EventPoller::EventPoller() = default;
EventPoller::~EventPoller() = default;

Status EventPoller::Add(int fd, std::uint32_t interest) {
  fds_.emplace_back(fd, interest);
  return OkStatus();
}

void EventPoller::Modify(int fd, std::uint32_t interest) {
  for (auto& [f, i] : fds_) {
    if (f == fd) i = interest;
  }
}

void EventPoller::Remove(int fd) {
  fds_.erase(std::remove_if(fds_.begin(), fds_.end(),
                            [fd](const auto& p) { return p.first == fd; }),
             fds_.end());
}

std::vector<EventPoller::Event> EventPoller::Wait(
    std::chrono::milliseconds timeout) {
  std::vector<pollfd> pfds;
  pfds.reserve(fds_.size());
  for (const auto& [fd, interest] : fds_) {
    pfds.push_back({fd,
                    static_cast<short>(((interest & kReadable) ? POLLIN : 0) |
                                       ((interest & kWritable) ? POLLOUT : 0)),
                    0});
  }
  const int n = poll(
      pfds.data(), pfds.size(),
      static_cast<int>(std::min<std::int64_t>(timeout.count(), 3'600'000)));
  std::vector<Event> out;
  for (int i = 0; n > 0 && i < static_cast<int>(pfds.size()); ++i) {
    std::uint32_t ready = 0;
    if (pfds[i].revents & (POLLIN | POLLERR | POLLHUP)) ready |= kReadable;
    if (pfds[i].revents & (POLLOUT | POLLERR | POLLHUP)) ready |= kWritable;
    if (ready != 0) out.push_back({pfds[i].fd, ready});
  }
  return out;
}

}  // namespace ipv6ha
