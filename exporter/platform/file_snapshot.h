#pragma once

// What stat(2) says about a path, to tell whether it changed: created,
// removed, replaced (another inode) or written (size or mtime). FreeBSD's
// kqueue reports "this directory changed", not which file, so the FreeBSD
// watcher compares snapshots of every watched file of the directory; the
// comparison is portable and tested on Linux.
//
// FileSnapshotTable is not thread safe; the watcher's thread owns it.

#include <sys/types.h>

#include <ctime>
#include <map>
#include <string>

namespace ipv6ha {

struct FileSnapshot {
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;
  struct timespec mtime {};
  off_t size = 0;

  // stat(2) of `path`; a path that cannot be stat()ed does not exist.
  static FileSnapshot Take(const std::string& path);
  bool operator==(const FileSnapshot& other) const;
};

class FileSnapshotTable {
 public:
  // Records the current state of `path` without reporting a change.
  void Remember(const std::string& path);
  // Takes a new snapshot of `path`; true when it differs from the last one
  // (a path never remembered counts as absent before).
  bool Changed(const std::string& path);

 private:
  std::map<std::string, FileSnapshot> snapshots_;
};

}  // namespace ipv6ha
