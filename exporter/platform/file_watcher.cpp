#include "exporter/platform/file_watcher.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#ifdef __FreeBSD__
#include <sys/event.h>
#else
#include <sys/inotify.h>
#endif

namespace ipv6ha {
namespace {

struct Entry {
  std::string dir;
  std::string name;
  std::string path;
  FileWatcher::Callback callback;
};

std::pair<std::string, std::string> SplitPath(const std::string& path) {
  const std::filesystem::path p(path);
  // "pds.json" has no parent: its directory is the working directory.
  return {p.has_parent_path() ? p.parent_path().string() : std::string("."),
          p.filename().string()};
}

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

}  // namespace

// State shared by both variants: the entries, the thread and a self-pipe that
// wakes the thread for shutdown.
struct FileWatcher::Impl {
  std::mutex mutex;
  std::vector<Entry> entries;
  int wake[2] = {-1, -1};
  int queue = -1;  // inotify fd or kqueue
  std::string init_error;
  std::thread thread;

  std::vector<Entry> EntriesIn(const std::string& dir,
                               const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex);
    std::vector<Entry> out;
    for (const auto& e : entries) {
      if (e.dir == dir && (name.empty() || e.name == name)) out.push_back(e);
    }
    return out;
  }

#ifdef __FreeBSD__
  // kqueue: directory fd -> dir; file fd -> path. A snapshot per path
  // detects which file of a directory changed.
  struct Snapshot {
    bool exists = false;
    dev_t dev = 0;
    ino_t ino = 0;
    struct timespec mtime {};
    off_t size = 0;
    bool operator==(const Snapshot& o) const {
      return exists == o.exists && dev == o.dev && ino == o.ino &&
             mtime.tv_sec == o.mtime.tv_sec &&
             mtime.tv_nsec == o.mtime.tv_nsec && size == o.size;
    }
  };
  std::map<int, std::string> dir_fds;   // guarded by mutex
  std::map<int, std::string> file_fds;  // guarded by mutex
  std::map<std::string, Snapshot> snapshots;

  static Snapshot Take(const std::string& path) {
    Snapshot s;
    struct stat st {};
    if (stat(path.c_str(), &st) == 0) {
      s.exists = true;
      s.dev = st.st_dev;
      s.ino = st.st_ino;
      s.mtime = st.st_mtim;
      s.size = st.st_size;
    }
    return s;
  }

  // kevent(2): with no event list, a failed change is reported by -1/errno.
  bool WatchFd(int fd, unsigned flags) {
    struct kevent change;
    EV_SET(&change, fd, EVFILT_VNODE, EV_ADD | EV_CLEAR, flags, 0, nullptr);
    return kevent(queue, &change, 1, nullptr, 0, nullptr) == 0;
  }

  // Opens (or re-opens after a rename) the file itself, for in-place writes.
  void WatchFileLocked(const std::string& path) {
    for (auto it = file_fds.begin(); it != file_fds.end(); ++it) {
      if (it->second == path) {
        close(it->first);  // closing removes its kevent
        file_fds.erase(it);
        break;
      }
    }
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;  // not there yet; the directory watch sees it appear
    // Without this watch, in-place writes go unseen; replacements and
    // removals still show on the directory.
    if (!WatchFd(fd, NOTE_WRITE | NOTE_EXTEND | NOTE_DELETE | NOTE_RENAME)) {
      close(fd);
      return;
    }
    file_fds[fd] = path;
  }

  Status Add(const std::string& dir, const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex);
    bool have_dir = false;
    for (const auto& [fd, d] : dir_fds) have_dir |= d == dir;
    if (!have_dir) {
      int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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
      dir_fds[fd] = dir;
    }
    snapshots[path] = Take(path);
    WatchFileLocked(path);
    return OkStatus();
  }

  void Loop() {
    while (true) {
      struct kevent events[16];
      int n = kevent(queue, nullptr, 0, events, 16, nullptr);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return;
      std::vector<Entry> fire;
      for (int i = 0; i < n; ++i) {
        const int fd = static_cast<int>(events[i].ident);
        if (events[i].filter == EVFILT_READ && fd == wake[0]) return;
        std::vector<std::string> candidates;
        {
          std::lock_guard<std::mutex> lock(mutex);
          if (auto d = dir_fds.find(fd); d != dir_fds.end()) {
            for (const auto& e : entries) {
              if (e.dir == d->second) candidates.push_back(e.path);
            }
          } else if (auto f = file_fds.find(fd); f != file_fds.end()) {
            candidates.push_back(f->second);
          }
        }
        for (const auto& path : candidates) {
          Snapshot now = Take(path);
          std::lock_guard<std::mutex> lock(mutex);
          if (now == snapshots[path] && events[i].filter == EVFILT_VNODE &&
              dir_fds.count(fd)) {
            continue;
          }
          snapshots[path] = now;
          WatchFileLocked(path);
          for (const auto& e : entries) {
            if (e.path == path) fire.push_back(e);
          }
        }
      }
      for (const auto& e : fire) e.callback(e.path);
    }
  }

  bool Init() {
    queue = kqueue();
    if (queue < 0) return false;
    struct kevent change;
    EV_SET(&change, wake[0], EVFILT_READ, EV_ADD, 0, 0, nullptr);
    return kevent(queue, &change, 1, nullptr, 0, nullptr) == 0;
  }

  void CloseWatches() {
    for (auto& [fd, d] : dir_fds) close(fd);
    for (auto& [fd, p] : file_fds) close(fd);
  }
#else
  std::map<int, std::string> dirs;  // watch descriptor -> directory

  Status Add(const std::string& dir, const std::string& /*path*/) {
    std::lock_guard<std::mutex> lock(mutex);
    int wd = inotify_add_watch(
        queue, dir.c_str(),
        IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ONLYDIR);
    if (wd < 0) {
      return Error{"cannot watch directory " + dir + ": " +
                   std::strerror(errno)};
    }
    dirs[wd] = dir;
    return OkStatus();
  }

  void Loop() {
    alignas(struct inotify_event) char buffer[16 * 1024];
    while (true) {
      struct pollfd fds[2] = {{queue, POLLIN, 0}, {wake[0], POLLIN, 0}};
      if (poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[1].revents != 0) return;
      ssize_t n = read(queue, buffer, sizeof(buffer));
      if (n <= 0) continue;
      std::vector<Entry> fire;
      for (char* p = buffer; p < buffer + n;) {
        auto* event = reinterpret_cast<struct inotify_event*>(p);
        p += sizeof(struct inotify_event) + event->len;
        if (event->len == 0) continue;
        std::string dir;
        {
          std::lock_guard<std::mutex> lock(mutex);
          auto it = dirs.find(event->wd);
          if (it == dirs.end()) continue;
          dir = it->second;
        }
        for (auto& e : EntriesIn(dir, event->name)) fire.push_back(e);
      }
      for (const auto& e : fire) e.callback(e.path);
    }
  }

  bool Init() {
    queue = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    return queue >= 0;
  }

  void CloseWatches() {}
#endif
};

FileWatcher::FileWatcher() : impl_(std::make_unique<Impl>()) {
  if (pipe(impl_->wake) != 0) {
    impl_->init_error =
        std::string("cannot create a pipe: ") + std::strerror(errno);
    return;
  }
  fcntl(impl_->wake[0], F_SETFD, FD_CLOEXEC);
  fcntl(impl_->wake[1], F_SETFD, FD_CLOEXEC);
  if (!impl_->Init()) {
    impl_->init_error =
        std::string("cannot start watching files: ") + std::strerror(errno);
    return;
  }
  impl_->thread = std::thread([impl = impl_.get()] { impl->Loop(); });
}

FileWatcher::~FileWatcher() {
  if (impl_->thread.joinable()) {
    const char stop = 'x';
    ssize_t ignored = write(impl_->wake[1], &stop, 1);
    (void)ignored;
    impl_->thread.join();
  }
  impl_->CloseWatches();
  CloseFd(impl_->queue);
  CloseFd(impl_->wake[0]);
  CloseFd(impl_->wake[1]);
}

Status FileWatcher::Watch(const std::string& path, Callback callback) {
  if (!impl_->init_error.empty()) return Error{impl_->init_error};
  auto [dir, name] = SplitPath(path);
  if (name.empty()) return Error{"cannot watch " + path + ": not a file name"};
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->entries.push_back({dir, name, path, std::move(callback)});
  }
  auto status = impl_->Add(dir, path);
  if (!status) {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->entries.pop_back();
  }
  return status;
}

}  // namespace ipv6ha
