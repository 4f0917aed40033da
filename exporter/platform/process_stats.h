#pragma once

// CPU, memory and file descriptors of this process, for the standard
// process_* metrics. Linux reads /proc/self (process_stats_linux.cpp);
// FreeBSD uses getrusage, kinfo_proc and kern.proc.nfds
// (process_stats_freebsd.cpp). The unit conversions from kinfo_proc and the
// rusage/rlimit readings are portable (process_stats.cpp) and unit-tested
// everywhere.

#include <cstdint>
#include <optional>

namespace ipv6ha {

struct ProcessStats {
  double cpu_seconds = 0;  // user + system
  double resident_bytes = 0;
  double virtual_bytes = 0;
  double start_time_seconds = 0;   // Unix time
  std::optional<double> open_fds;  // unset where it cannot be counted
  double max_fds = 0;
};

std::optional<ProcessStats> ReadProcessStats();

// CPU time (user + system) of this process from getrusage(2), and the soft
// RLIMIT_NOFILE; both POSIX, shared by both platforms.
double ProcessCpuSeconds();
double ProcessMaxFds();

// The fields of FreeBSD's struct kinfo_proc (sys/sys/user.h) that feed
// ProcessStats, in their own units.
struct KinfoMemoryAndStart {
  std::int64_t rssize_pages = 0;  // ki_rssize: resident set, in pages
  std::uint64_t size_bytes = 0;   // ki_size: virtual size, in bytes
  std::int64_t start_sec = 0;     // ki_start.tv_sec (Unix time)
  std::int64_t start_usec = 0;    // ki_start.tv_usec
};
// Fills resident_bytes, virtual_bytes and start_time_seconds of `stats`.
void ApplyKinfo(const KinfoMemoryAndStart& k, std::int64_t page_size,
                ProcessStats& stats);

}  // namespace ipv6ha
