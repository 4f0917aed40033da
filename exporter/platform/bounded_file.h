#pragma once

// Reads a whole regular file, refusing files above a size bound, and reports
// its modification time. Every file the exporter reads from outside goes
// through here (configs, web configs, pds and NPTv6 files, secrets, CA
// files, pidfiles), so that none of them can block or bloat the process:
//   - the file is opened O_NONBLOCK and must be a regular file: a FIFO, a
//     device (/dev/zero, /dev/urandom, also behind a symlink), a socket or a
//     directory is an error before a byte is read, so open and read never
//     wait for a writer;
//   - its size is checked with fstat before reading, and the read itself is
//     bounded (a file that grows while being read is refused too);
//   - text (the default) is valid UTF-8 when it comes back: invalid bytes
//     are replaced by U+FFFD (exporter/text/utf8.h), and the offset of the
//     first one is reported so that a caller may refuse the file instead.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "exporter/base/expected.h"

namespace ipv6ha {

enum class FileContent {
  kText,   // repaired to valid UTF-8 (first_invalid_utf8 says where)
  kBytes,  // as on disk: secrets, which never reach JSON or logs
};

struct BoundedFile {
  std::string content;
  // Saturated at time_point::max()/min() when the file's time lies beyond
  // what the clock can represent (years after 2262 or before 1677).
  std::chrono::system_clock::time_point mtime;
  std::size_t size = 0;  // bytes on disk
  // kText only: offset of the first byte that was not valid UTF-8.
  std::optional<std::size_t> first_invalid_utf8;
};

// Errors (with the path and the reason, e.g. "No such file or directory",
// "not a regular file" or "is 10485760 bytes, more than the 4194304
// allowed") when the file is missing, unreadable, not a regular file (a
// FIFO, a device, a directory) or larger than max_bytes.
Expected<BoundedFile> ReadBoundedFile(const std::string& path,
                                      std::size_t max_bytes,
                                      FileContent content = FileContent::kText);

inline constexpr std::size_t kMaxOperatorFileBytes = 1024 * 1024;

// Reads a file the operator gives us (a config, a file to import) through
// ReadBoundedFile: a regular file of at most 1 MiB, as it is on disk.
// Errors read "FILE: cannot read: No such file or directory", "FILE: not a
// regular file", "FILE: is N bytes, more than the 1048576 allowed".
Expected<std::string> ReadOperatorFile(const std::string& path);

}  // namespace ipv6ha
