#include "exporter/platform/file_presence.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ipv6ha {

bool PathIsAbsent(const std::string& path) {
  return ::access(path.c_str(), F_OK) != 0 && errno == ENOENT;
}

Status RemoveFileIfPresent(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Error{path + ": " + std::strerror(errno)};
  }
  return OkStatus();
}

}  // namespace ipv6ha
