#pragma once

// The kernel side of FileWatcher, one per platform: inotify
// (file_watcher_linux.cpp) or kqueue (file_watcher_freebsd.cpp). The shared
// part (file_watcher.cpp) owns the entries, the thread and the wake-up pipe.
// Private to the file_watcher*.cpp files.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exporter/base/expected.h"
#include "exporter/platform/file_watcher.h"

namespace ipv6ha {

struct FileWatchEntry {
  std::string dir;   // the directory watched
  std::string name;  // the file's name in it
  std::string path;  // as given to Watch()
  FileWatcher::Callback callback;
};

// The watched entries; thread safe (Watch() adds, the loop thread reads).
class FileWatchEntries {
 public:
  void Add(FileWatchEntry entry);
  void RemoveLast();
  // The entries of directory `dir` named `name`.
  std::vector<FileWatchEntry> Named(const std::string& dir,
                                    const std::string& name) const;
  // Every entry of directory `dir`.
  std::vector<FileWatchEntry> InDirectory(const std::string& dir) const;
  // The entries watching `path`.
  std::vector<FileWatchEntry> WithPath(const std::string& path) const;

 private:
  template <typename Pred>
  std::vector<FileWatchEntry> Select(Pred pred) const;

  mutable std::mutex mutex_;
  std::vector<FileWatchEntry> entries_;
};

class FileWatchQueue {
 public:
  // Opens the kernel queue. Run() returns once `wake_fd` is readable.
  static Expected<std::unique_ptr<FileWatchQueue>> Open(
      int wake_fd, const FileWatchEntries& entries);
  virtual ~FileWatchQueue() = default;

  // Watches directory `dir` for changes to `path` (an entry already added).
  // Thread safe against Run().
  virtual Status Add(const std::string& dir, const std::string& path) = 0;
  // Calls the callbacks of changed entries, one at a time, until woken.
  virtual void Run() = 0;
};

}  // namespace ipv6ha
