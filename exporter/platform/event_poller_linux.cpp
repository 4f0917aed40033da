// Linux: epoll(7).
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "exporter/platform/event_poller.h"

namespace ipv6ha {

EventPoller::EventPoller() : epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {}

EventPoller::~EventPoller() {
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

Status EventPoller::Add(int fd, std::uint32_t interest) {
  epoll_event ev{};
  ev.events = ((interest & kReadable) ? EPOLLIN : 0u) |
              ((interest & kWritable) ? EPOLLOUT : 0u);
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    return Error{std::string("epoll_ctl failed: ") + std::strerror(errno)};
  }
  return OkStatus();
}

void EventPoller::Modify(int fd, std::uint32_t interest) {
  epoll_event ev{};
  ev.events = ((interest & kReadable) ? EPOLLIN : 0u) |
              ((interest & kWritable) ? EPOLLOUT : 0u);
  ev.data.fd = fd;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
}

void EventPoller::Remove(int fd) {
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

std::vector<EventPoller::Event> EventPoller::Wait(
    std::chrono::milliseconds timeout) {
  epoll_event events[256];
  const int n = epoll_wait(
      epoll_fd_, events, 256,
      static_cast<int>(std::min<std::int64_t>(timeout.count(), 3'600'000)));
  std::vector<Event> out;
  for (int i = 0; i < n; ++i) {
    std::uint32_t ready = 0;
    if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) ready |= kReadable;
    if (events[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) ready |= kWritable;
    out.push_back({events[i].data.fd, ready});
  }
  return out;
}

}  // namespace ipv6ha
