#include "exporter/platform/file_snapshot.h"

#include <sys/stat.h>

namespace ipv6ha {

FileSnapshot FileSnapshot::Take(const std::string& path) {
  FileSnapshot s;
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) {
    s.exists = true;
    s.dev = st.st_dev;
    s.ino = st.st_ino;
    s.mtime = st.st_mtim;  // POSIX.1-2008; FreeBSD and glibc both have it
    s.size = st.st_size;
  }
  return s;
}

bool FileSnapshot::operator==(const FileSnapshot& o) const {
  return exists == o.exists && dev == o.dev && ino == o.ino &&
         mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec &&
         size == o.size;
}

void FileSnapshotTable::Remember(const std::string& path) {
  snapshots_[path] = FileSnapshot::Take(path);
}

bool FileSnapshotTable::Changed(const std::string& path) {
  FileSnapshot now = FileSnapshot::Take(path);
  FileSnapshot& before = snapshots_[path];
  const bool changed = !(now == before);
  before = now;
  return changed;
}

}  // namespace ipv6ha
