#include "exporter/platform/notify_fifo_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace ipv6ha {
namespace {

constexpr int kRetryMissingMs = 100;  // FIFO missing: keepalived not up yet
constexpr int kRecheckPathMs = 1000;  // FIFO open: still the one at the path?
// After keepalived closed the FIFO: a fresh open sees no end of file until
// a writer came and went, but never reopen faster than this either.
constexpr auto kReopenAfterEof = std::chrono::milliseconds(100);
constexpr std::size_t kMaxLine = 4096;  // the parser refuses > 512 anyway

FifoIdentity IdentityOf(const struct stat& st) {
  return {static_cast<std::uint64_t>(st.st_dev),
          static_cast<std::uint64_t>(st.st_ino)};
}

}  // namespace

NotifyFifoReader::NotifyFifoReader(std::string path, Callbacks callbacks)
    : path_(std::move(path)), callbacks_(std::move(callbacks)) {
  int fds[2];
  if (::pipe(fds) == 0) {
    stop_read_ = UniqueFd(fds[0]);
    stop_write_ = UniqueFd(fds[1]);
    ::fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    ::fcntl(fds[1], F_SETFD, FD_CLOEXEC);
  }
}

NotifyFifoReader::~NotifyFifoReader() {
  if (thread_.joinable()) {
    const char byte = 0;
    (void)!::write(stop_write_.get(), &byte, 1);
    thread_.join();
  }
}

void NotifyFifoReader::Start() {
  if (thread_.joinable()) return;
  if (stop_write_.get() < 0) {
    // Without the stop pipe the thread could not be stopped: do not start.
    Report({false,
            {},
            std::string("cannot follow keepalived's notify FIFO: pipe() "
                        "failed: ") +
                std::strerror(errno)});
    return;
  }
  TryOpen();
  if (fifo_.get() >= 0) {
    if (auto problem = Drain(); !problem.empty()) Close(problem);
  }
  thread_ = std::thread([this] { Loop(); });
}

void NotifyFifoReader::Report(const Feed& feed) {
  if (reported_ && feed.open == reported_open_ &&
      feed.problem == reported_problem_) {
    return;  // the same missing FIFO, retried: said once
  }
  reported_ = true;
  reported_open_ = feed.open;
  reported_problem_ = feed.problem;
  if (callbacks_.feed) callbacks_.feed(feed);
}

void NotifyFifoReader::TryOpen() {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    Report({false,
            {},
            err == ENOENT
                ? "keepalived's notify FIFO " + path_ +
                      " does not exist: keepalived is not running, or its "
                      "global_defs lack \"vrrp_notify_fifo " +
                      path_ + "\""
                : "cannot open keepalived's notify FIFO " + path_ + ": " +
                      std::strerror(err) +
                      (err == EACCES
                           ? " (keepalived makes it readable by its owner "
                             "only; give it our group and a umask that lets "
                             "the group read, see docs/keepalived.md)"
                           : "")});
    return;
  }
  UniqueFd owned(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) {
    Report({false,
            {},
            path_ + " is not a FIFO; keepalived will not write to it either "
                    "(remove it and restart keepalived)"});
    return;
  }
  fifo_ = std::move(owned);
  identity_ = IdentityOf(st);
  pending_.clear();
  skipping_ = false;
  Report({true, identity_, ""});
}

std::string NotifyFifoReader::Drain() {
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fifo_.get(), buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return "";
      return "reading keepalived's notify FIFO " + path_ +
             " failed: " + std::strerror(errno);
    }
    if (n == 0) {
      return "keepalived closed its notify FIFO " + path_ +
             " (it stopped, is restarting or reloading)";
    }
    for (ssize_t k = 0; k < n; ++k) {
      const char c = buf[k];
      if (c == '\n') {
        if (!skipping_ && callbacks_.line) callbacks_.line(pending_);
        pending_.clear();
        skipping_ = false;
      } else if (!skipping_) {
        pending_.push_back(c);
        if (pending_.size() > kMaxLine) {
          if (callbacks_.line) callbacks_.line(pending_);  // refused there
          pending_.clear();
          skipping_ = true;
        }
      }
    }
  }
}

bool NotifyFifoReader::PathStillNamesOpenFifo() const {
  struct stat st {};
  return ::stat(path_.c_str(), &st) == 0 && IdentityOf(st) == identity_;
}

void NotifyFifoReader::Close(const std::string& problem) {
  fifo_.Reset();
  Report({false, {}, problem});
}

void NotifyFifoReader::Loop() {
  using Clock = std::chrono::steady_clock;
  auto reopen_at = Clock::now();
  for (;;) {
    int timeout = kRecheckPathMs;
    if (fifo_.get() < 0) {
      if (Clock::now() >= reopen_at) {
        TryOpen();
        if (fifo_.get() >= 0) {
          if (auto problem = Drain(); !problem.empty()) {
            Close(problem);
            reopen_at = Clock::now() + kReopenAfterEof;
          }
        }
      }
      if (fifo_.get() < 0) timeout = kRetryMissingMs;
    }
    pollfd fds[2] = {{stop_read_.get(), POLLIN, 0}, {fifo_.get(), POLLIN, 0}};
    const int ready = ::poll(fds, fifo_.get() >= 0 ? 2 : 1, timeout);
    if (ready < 0 && errno != EINTR) {
      Close(std::string("cannot wait for keepalived's notify FIFO: ") +
            std::strerror(errno));
      return;
    }
    if (fds[0].revents != 0) return;
    if (fifo_.get() < 0) continue;
    if (fds[1].revents != 0) {
      if (auto problem = Drain(); !problem.empty()) {
        Close(problem);
        reopen_at = Clock::now() + kReopenAfterEof;
      }
    } else if (ready == 0 && !PathStillNamesOpenFifo()) {
      Close("keepalived's notify FIFO " + path_ +
            " was removed or replaced; reopening it");
    }
  }
}

}  // namespace ipv6ha
