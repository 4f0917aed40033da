#pragma once

// Calls back when a watched file is replaced, written, created or removed.
// Programs that write state files atomically (temp file + rename) replace
// the inode, so the watcher watches the file's *directory* and filters by
// name: inotify IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE on
// Linux (file_watcher_linux.cpp); on FreeBSD a kqueue EVFILT_VNODE watch on
// the directory plus the file, compared against a stat() snapshot
// (file_watcher_freebsd.cpp, file_snapshot.h).
//
// One background thread per FileWatcher runs every callback, one at a time;
// callbacks must be quick (e.g. Scheduler::TriggerNow) and must not call
// Watch(). Watch() is thread safe. The destructor stops and joins the thread;
// no callback runs after it returns.

#include <functional>
#include <memory>
#include <string>

#include "exporter/base/expected.h"

namespace ipv6ha {

class FileWatcher {
 public:
  using Callback = std::function<void(const std::string& path)>;

  FileWatcher();
  ~FileWatcher();
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

  // Watches `path` (its directory must exist; the file need not). Several
  // callbacks for one path are all called. Errors name the directory and the
  // reason (no such directory, watch limit reached).
  Status Watch(const std::string& path, Callback callback);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ipv6ha
