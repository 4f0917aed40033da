#pragma once

// A point in steady time that bounds a whole sequence of socket operations
// (connect, TLS handshake, send, receive), and the one place that waits on a
// non-blocking socket against it. Every wait of the HTTP client and of a
// TLS connection goes through Deadline::WaitFd, so "the deadline covers
// everything" holds by construction. Copyable value; thread compatible.

#include <chrono>

namespace ipv6ha {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Deadline(std::chrono::milliseconds budget)
      : at_(Clock::now() + budget), budget_(budget) {}

  // What the caller granted, for messages ("within 500ms").
  std::chrono::milliseconds budget() const { return budget_; }
  // Time left, rounded up to whole milliseconds; never negative.
  std::chrono::milliseconds Left() const;
  bool Passed() const { return Clock::now() >= at_; }

  // Waits until `fd` is ready for `events` (POLLIN and/or POLLOUT) and
  // returns true; false when the deadline passes first. Errors and hang-ups
  // count as ready: the next read or write on the fd reports them.
  // EINTR is retried with the time left.
  bool WaitFd(int fd, short events) const;

 private:
  Clock::time_point at_;
  std::chrono::milliseconds budget_;
};

}  // namespace ipv6ha
