// FreeBSD: kqueue(2) EVFILT_VNODE on each watched directory and on each
// watched file; which file of a directory changed is found by comparing
// stat(2) snapshots (file_snapshot.h, portable and tested on Linux).
// clang-format off
#include <sys/types.h>
#include <sys/event.h>
// clang-format on
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "exporter/platform/file_snapshot.h"
#include "exporter/platform/file_watcher_backend.h"

namespace ipv6ha {
namespace {

class KqueueQueue : public FileWatchQueue {
 public:
  KqueueQueue(int kq, const FileWatchEntries& entries)
      : kq_(kq), entries_(entries) {}
  ~KqueueQueue() override {
    // Closing a descriptor removes its kevents; closing the kqueue the rest.
    for (const auto& [fd, dir] : dir_fds_) close(fd);
    for (const auto& [fd, path] : file_fds_) close(fd);
    close(kq_);
  }

  Status Add(const std::string& dir, const std::string& path) override {
    std::lock_guard<std::mutex> lock(mutex_);
    bool have_dir = false;
    for (const auto& [fd, d] : dir_fds_) have_dir |= d == dir;
    if (!have_dir) {
      const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0) {
        return Error{"cannot watch directory " + dir + ": " +
                     std::strerror(errno)};
      }
      // vop_rename_post (sys/kern/vfs_subr.c): a rename inside the
      // directory posts NOTE_WRITE on it, one across directories
      // NOTE_WRITE | NOTE_EXTEND; the replaced file itself gets NOTE_DELETE.
      if (!WatchFd(fd, NOTE_WRITE | NOTE_EXTEND | NOTE_ATTRIB)) {
        const int saved = errno;
        close(fd);
        return Error{"cannot watch directory " + dir +
                     ": kevent: " + std::strerror(saved)};
      }
      dir_fds_[fd] = dir;
    }
    snapshots_.Remember(path);
    WatchFileLocked(path);
    return OkStatus();
  }

  void Run() override {
    while (true) {
      struct kevent events[16];
      const int n = kevent(kq_, nullptr, 0, events, 16, nullptr);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return;
      std::vector<FileWatchEntry> fire;
      for (int i = 0; i < n; ++i) {
        if (events[i].filter == EVFILT_READ) return;  // the wake-up pipe
        Collect(static_cast<int>(events[i].ident), fire);
      }
      for (const auto& e : fire) e.callback(e.path);
    }
  }

  // kevent(2): with no event list, a failed change is reported by -1/errno.
  bool WatchFd(int fd, unsigned flags) {
    struct kevent change;
    EV_SET(&change, fd, EVFILT_VNODE, EV_ADD | EV_CLEAR, flags, 0, nullptr);
    return kevent(kq_, &change, 1, nullptr, 0, nullptr) == 0;
  }

  bool WatchWakeFd(int wake_fd) {
    struct kevent change;
    EV_SET(&change, wake_fd, EVFILT_READ, EV_ADD, 0, 0, nullptr);
    return kevent(kq_, &change, 1, nullptr, 0, nullptr) == 0;
  }

 private:
  // The entries whose file changed, for an event on descriptor `fd`: on a
  // directory, each watched file of it whose snapshot differs; on a file,
  // that file (an in-place write changes the mtime anyway).
  void Collect(int fd, std::vector<FileWatchEntry>& fire) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<FileWatchEntry> candidates;
    const bool is_dir = dir_fds_.count(fd) != 0;
    if (is_dir) {
      candidates = entries_.InDirectory(dir_fds_[fd]);
    } else if (auto f = file_fds_.find(fd); f != file_fds_.end()) {
      candidates = entries_.WithPath(f->second);
    }
    for (auto& e : candidates) {
      if (!snapshots_.Changed(e.path) && is_dir) continue;
      WatchFileLocked(e.path);
      fire.push_back(e);
    }
  }

  // Opens (or re-opens after a rename) the file itself, for in-place
  // writes. Without this watch, in-place writes go unseen; replacements and
  // removals still show on the directory.
  void WatchFileLocked(const std::string& path) {
    for (auto it = file_fds_.begin(); it != file_fds_.end(); ++it) {
      if (it->second == path) {
        close(it->first);  // closing removes its kevent
        file_fds_.erase(it);
        break;
      }
    }
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;  // not there yet; the directory watch sees it appear
    if (!WatchFd(fd, NOTE_WRITE | NOTE_EXTEND | NOTE_DELETE | NOTE_RENAME)) {
      close(fd);
      return;
    }
    file_fds_[fd] = path;
  }

  const int kq_;
  const FileWatchEntries& entries_;
  std::mutex mutex_;
  std::map<int, std::string> dir_fds_;   // directory fd -> directory
  std::map<int, std::string> file_fds_;  // file fd -> watched path
  FileSnapshotTable snapshots_;          // guarded by mutex_
};

}  // namespace

Expected<std::unique_ptr<FileWatchQueue>> FileWatchQueue::Open(
    int wake_fd, const FileWatchEntries& entries) {
  const int kq = kqueue();
  if (kq < 0) {
    return Error{std::string("cannot start watching files: kqueue: ") +
                 std::strerror(errno)};
  }
  auto queue = std::make_unique<KqueueQueue>(kq, entries);
  if (!queue->WatchWakeFd(wake_fd)) {
    return Error{std::string("cannot start watching files: kevent: ") +
                 std::strerror(errno)};
  }
  return std::unique_ptr<FileWatchQueue>(std::move(queue));
}

}  // namespace ipv6ha
