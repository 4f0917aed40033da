#pragma once

// Durable, atomic replacement of a small file: write a temporary file in the
// same directory, fsync it, rename it over `path`, fsync the directory (the
// fsyncs can be left out for volatile runtime files, see Durability). A
// reader sees the old content or the new content, never a mix, and after a
// crash (or power loss) one of the two survives.

#include <string>

#include "exporter/base/expected.h"

namespace ipv6ha {

// kDurable fsyncs the file and its directory, so the new content survives a
// crash or power loss. kVolatile only renames: readers still see old or new
// content, never a mix, but a power loss may lose the change. For runtime
// files rewritten every second (the status file), where an fsync each time
// would only wear the disk.
enum class Durability { kDurable, kVolatile };

// Creates missing parent directories (mode 0755). The file gets `mode`.
Status WriteFileAtomically(const std::string& path, const std::string& content,
                           unsigned mode = 0644,
                           Durability durability = Durability::kDurable);

// Reads a small file whole (at most `max_bytes`).
Expected<std::string> ReadSmallFile(const std::string& path,
                                    std::size_t max_bytes = 64 * 1024);

}  // namespace ipv6ha
