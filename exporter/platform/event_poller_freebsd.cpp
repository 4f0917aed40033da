// FreeBSD: kqueue(2), the twin of epoll(7): one EVFILT_READ and one
// EVFILT_WRITE filter per fd, added once and then enabled or disabled, so
// Add, Modify and Remove cost one kevent call and Wait is O(ready), not
// O(watched) as poll(2) was (the HTTP loop watches thousands of fds).
// Difference from epoll: with interest 0 (both filters disabled) a reset
// is not reported until the fd is watched again; the HTTP loop finds out on
// its next read or write.
#include <fcntl.h>
#include <sys/event.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <unordered_map>

#include "exporter/platform/event_poller.h"

namespace ipv6ha {
namespace {

constexpr int kMaxEvents = 256;

int Apply(int kq, int fd, std::uint32_t interest, unsigned short base) {
  struct kevent changes[2];
  EV_SET(&changes[0], fd, EVFILT_READ,
         base | ((interest & EventPoller::kReadable) ? EV_ENABLE : EV_DISABLE),
         0, 0, nullptr);
  EV_SET(&changes[1], fd, EVFILT_WRITE,
         base | ((interest & EventPoller::kWritable) ? EV_ENABLE : EV_DISABLE),
         0, 0, nullptr);
  return kevent(kq, changes, 2, nullptr, 0, nullptr);
}

}  // namespace

EventPoller::EventPoller() : epoll_fd_(kqueue()) {
  if (epoll_fd_ >= 0) fcntl(epoll_fd_, F_SETFD, FD_CLOEXEC);
}

EventPoller::~EventPoller() {
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

Status EventPoller::Add(int fd, std::uint32_t interest) {
  if (epoll_fd_ < 0) return Error{"kqueue() failed: out of descriptors"};
  if (Apply(epoll_fd_, fd, interest, EV_ADD) != 0) {
    return Error{std::string("kevent failed: ") + std::strerror(errno)};
  }
  return OkStatus();
}

void EventPoller::Modify(int fd, std::uint32_t interest) {
  (void)Apply(epoll_fd_, fd, interest, 0);
}

void EventPoller::Remove(int fd) {
  struct kevent changes[2];
  EV_SET(&changes[0], fd, EVFILT_READ, EV_DELETE, 0, 0, nullptr);
  EV_SET(&changes[1], fd, EVFILT_WRITE, EV_DELETE, 0, 0, nullptr);
  (void)kevent(epoll_fd_, changes, 2, nullptr, 0, nullptr);
}

std::vector<EventPoller::Event> EventPoller::Wait(
    std::chrono::milliseconds timeout) {
  std::array<struct kevent, kMaxEvents> events;
  timespec ts{};
  const timespec* wait = nullptr;
  if (timeout.count() >= 0) {
    const auto ms = std::min<std::int64_t>(timeout.count(), 3'600'000);
    ts.tv_sec = static_cast<time_t>(ms / 1000);
    ts.tv_nsec = static_cast<long>(ms % 1000) * 1'000'000;
    wait = &ts;
  }
  const int n = kevent(epoll_fd_, nullptr, 0, events.data(), kMaxEvents, wait);
  std::vector<Event> out;
  std::unordered_map<int, std::size_t> index;  // one Event per fd, as epoll
  for (int i = 0; i < n; ++i) {
    const auto& ev = events[i];
    const int fd = static_cast<int>(ev.ident);
    std::uint32_t ready = ev.filter == EVFILT_READ ? kReadable : kWritable;
    if (ev.flags & (EV_EOF | EV_ERROR)) ready = kReadable | kWritable;
    auto [it, added] = index.emplace(fd, out.size());
    if (added) {
      out.push_back({fd, ready});
    } else {
      out[it->second].ready |= ready;
    }
  }
  return out;
}

}  // namespace ipv6ha
