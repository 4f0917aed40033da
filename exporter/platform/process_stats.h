#pragma once

// CPU, memory and file descriptors of this process, for the standard
// process_* metrics. Linux reads /proc/self; FreeBSD uses getrusage and
// kinfo_proc (behind #ifdef __FreeBSD__).

#include <optional>

namespace ipv6ha {

struct ProcessStats {
  double cpu_seconds = 0;         // user + system
  double resident_bytes = 0;
  double virtual_bytes = 0;
  double start_time_seconds = 0;  // Unix time
  double open_fds = 0;
  double max_fds = 0;
};

std::optional<ProcessStats> ReadProcessStats();

}  // namespace ipv6ha
