#pragma once

// Whether a path is there, and removing one, for the daemon's own files
// (the demotion state, the status file). Reading goes through
// bounded_file.h, writing through atomic_file.h.

#include <string>

#include "exporter/base/expected.h"

namespace ipv6ha {

// True only when the path certainly does not exist (access(2) says ENOENT);
// any other failure (permissions, I/O) is false, so the caller's read
// reports it.
bool PathIsAbsent(const std::string& path);

// unlink(2); a path that is already gone is no error. The error names the
// path and the system's reason.
Status RemoveFileIfPresent(const std::string& path);

}  // namespace ipv6ha
