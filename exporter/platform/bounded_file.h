#pragma once

// Reads a whole regular file, refusing files above a size bound, and reports
// its modification time. For state files written by other programs, where a
// runaway writer must not make the exporter allocate gigabytes.

#include <chrono>
#include <cstddef>
#include <string>

#include "exporter/platform/expected.h"

namespace ipv6ha {

struct BoundedFile {
  std::string content;
  std::chrono::system_clock::time_point mtime;
  std::size_t size = 0;
};

// Errors (with the path and the reason, e.g. "No such file or directory" or
// "is 10485760 bytes, more than the 4194304 allowed") when the file is
// missing, unreadable, not a regular file or larger than max_bytes.
Expected<BoundedFile> ReadBoundedFile(const std::string& path,
                                      std::size_t max_bytes);

}  // namespace ipv6ha
