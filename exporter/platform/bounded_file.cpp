#include "exporter/platform/bounded_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "exporter/platform/unique_fd.h"
#include "exporter/text/utf8.h"

namespace ipv6ha {
namespace {

Error Errno(const std::string& path, const std::string& what) {
  return Error{path + ": " + what + ": " + std::strerror(errno)};
}

// A file time as a time point, saturated where nanoseconds since the epoch
// leave the 64-bit range (a touch -d 2300-01-01 must not wrap to 1677).
std::chrono::system_clock::time_point FileTime(const struct timespec& t) {
  using Clock = std::chrono::system_clock;
  constexpr auto kMaxSeconds =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::duration::max())
          .count() -
      1;
  if (t.tv_sec >= kMaxSeconds) return Clock::time_point::max();
  if (t.tv_sec <= -kMaxSeconds) return Clock::time_point::min();
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(
      std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec)));
}

}  // namespace

// Through the bounded reader: a FIFO, /dev/zero or a 50 MB file is refused
// before anything waits or allocates. Text comes back as it is on disk: a
// config that is not UTF-8 is refused by LoadStrictYaml with its place.
Expected<std::string> ReadOperatorFile(const std::string& path) {
  auto file = ReadBoundedFile(path, kMaxOperatorFileBytes, FileContent::kBytes);
  if (!file) {
    // "FILE: cannot read: No such file or directory", as before.
    std::string why = file.error().message;
    const std::string open = path + ": cannot open: ";
    if (why.rfind(open, 0) == 0) {
      why = path + ": cannot read: " + why.substr(open.size());
    }
    return Error{why};
  }
  return std::move(file->content);
}

Expected<BoundedFile> ReadBoundedFile(const std::string& path,
                                      std::size_t max_bytes,
                                      FileContent content) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) return Errno(path, "cannot open");
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return Errno(path, "cannot stat");
  if (!S_ISREG(st.st_mode)) return Error{path + ": not a regular file"};
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    return Error{path + ": is " + std::to_string(st.st_size) +
                 " bytes, more than the " + std::to_string(max_bytes) +
                 " allowed"};
  }
  BoundedFile out;
  const struct timespec mtime = st.st_mtim;  // POSIX.1-2008: Linux, FreeBSD
  out.mtime = FileTime(mtime);
  // Read up to one byte past the bound: the file may grow after fstat. The
  // buffer starts at the file's size and grows as needed, so a small file
  // never costs the whole bound in memory.
  std::size_t used = 0;
  out.content.resize(
      std::min(max_bytes + 1, static_cast<std::size_t>(st.st_size) + 4096));
  for (;;) {
    if (used == out.content.size()) {
      if (used > max_bytes) break;
      out.content.resize(std::min(max_bytes + 1, used * 2));
    }
    ssize_t n =
        read(fd.get(), out.content.data() + used, out.content.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno(path, "cannot read");
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  if (used > max_bytes) {
    return Error{path + ": grew beyond the " + std::to_string(max_bytes) +
                 " bytes allowed while being read"};
  }
  out.content.resize(used);
  out.content.shrink_to_fit();
  out.size = used;
  if (content == FileContent::kText) {
    const std::size_t bad = FirstInvalidUtf8(out.content);
    if (bad != std::string::npos) {
      out.first_invalid_utf8 = bad;
      RepairUtf8InPlace(out.content);
    }
  }
  return out;
}

}  // namespace ipv6ha
