// Linux: inotify(7) on each watched directory, filtered by file name.
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "exporter/platform/file_watcher_backend.h"

namespace ipv6ha {
namespace {

class InotifyQueue : public FileWatchQueue {
 public:
  InotifyQueue(int fd, int wake_fd, const FileWatchEntries& entries)
      : fd_(fd), wake_fd_(wake_fd), entries_(entries) {}
  ~InotifyQueue() override { close(fd_); }

  Status Add(const std::string& dir, const std::string& /*path*/) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const int wd = inotify_add_watch(
        fd_, dir.c_str(),
        IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ONLYDIR);
    if (wd < 0) {
      return Error{"cannot watch directory " + dir + ": " +
                   std::strerror(errno)};
    }
    dirs_[wd] = dir;
    return OkStatus();
  }

  void Run() override {
    alignas(struct inotify_event) char buffer[16 * 1024];
    while (true) {
      struct pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      if (poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[1].revents != 0) return;
      const ssize_t n = read(fd_, buffer, sizeof(buffer));
      if (n <= 0) continue;
      std::vector<FileWatchEntry> fire;
      for (char* p = buffer; p < buffer + n;) {
        auto* event = reinterpret_cast<struct inotify_event*>(p);
        p += sizeof(struct inotify_event) + event->len;
        if (event->len == 0) continue;
        const std::string dir = DirectoryOf(event->wd);
        if (dir.empty()) continue;
        for (auto& e : entries_.Named(dir, event->name)) fire.push_back(e);
      }
      for (const auto& e : fire) e.callback(e.path);
    }
  }

 private:
  std::string DirectoryOf(int wd) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = dirs_.find(wd);
    return it == dirs_.end() ? std::string() : it->second;
  }

  const int fd_;
  const int wake_fd_;
  const FileWatchEntries& entries_;
  std::mutex mutex_;
  std::map<int, std::string> dirs_;  // watch descriptor -> directory
};

}  // namespace

Expected<std::unique_ptr<FileWatchQueue>> FileWatchQueue::Open(
    int wake_fd, const FileWatchEntries& entries) {
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    return Error{std::string("cannot start watching files: inotify: ") +
                 std::strerror(errno)};
  }
  return std::unique_ptr<FileWatchQueue>(
      std::make_unique<InotifyQueue>(fd, wake_fd, entries));
}

}  // namespace ipv6ha
