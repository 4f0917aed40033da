#include "exporter/platform/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace ipv6ha {
namespace {

// Closes a file descriptor when it goes out of scope.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  int get() const { return fd_; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }

 private:
  int fd_;
};

Error Errno(const std::string& what) {
  return Error{what + ": " + std::strerror(errno)};
}

}  // namespace

Status WriteFileAtomically(const std::string& path, const std::string& content,
                           unsigned mode, Durability durability) {
  const bool durable = durability == Durability::kDurable;
  const std::filesystem::path target(path);
  const std::filesystem::path dir = target.has_parent_path()
                                        ? target.parent_path()
                                        : std::filesystem::path(".");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return Error{"cannot create directory " + dir.string() + ": " +
                 ec.message()};
  std::string tmp = path + ".tmp.XXXXXX";
  FdCloser fd(::mkstemp(tmp.data()));
  if (fd.get() < 0)
    return Errno("cannot create a temporary file beside " + path);
  auto fail = [&](const std::string& what) {
    Error e = Errno(what);
    ::unlink(tmp.c_str());
    return e;
  };
  if (::fchmod(fd.get(), mode) != 0) return fail("cannot chmod " + tmp);
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot write " + tmp);
    done += static_cast<std::size_t>(n);
  }
  if (durable && ::fsync(fd.get()) != 0) return fail("cannot fsync " + tmp);
  if (::close(fd.release()) != 0) return fail("cannot close " + tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return fail("cannot rename " + tmp + " to " + path);
  if (!durable) return OkStatus();
  FdCloser dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() < 0 || ::fsync(dfd.get()) != 0) {
    return Errno("cannot fsync directory " + dir.string());
  }
  return OkStatus();
}

Expected<std::string> ReadSmallFile(const std::string& path,
                                    std::size_t max_bytes) {
  FdCloser fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return Errno("cannot open " + path);
  std::string out;
  char buf[4096];
  while (out.size() <= max_bytes) {
    ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot read " + path);
    if (n == 0) return out;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return Error{path + " is larger than " + std::to_string(max_bytes) +
               " bytes"};
}

}  // namespace ipv6ha
