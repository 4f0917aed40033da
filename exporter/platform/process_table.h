#pragma once

// The processes running on this host, by pid and short name: /proc on Linux
// (process_table_linux.cpp), sysctl(KERN_PROC) on FreeBSD
// (process_table_freebsd.cpp); the name matching and zombie selection are
// portable (process_table.cpp). The name is the kernel's command name
// (Linux /proc/PID/comm, at most 15 characters; FreeBSD ki_comm, at most
// COMMLEN = 19),
// not argv[0], so a process cannot rename itself into a match by argv.
// Zombies are not listed on either system.
// Thread safe: no state besides the configured root.

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "exporter/base/expected.h"

namespace ipv6ha {

struct ProcessInfo {
  pid_t pid = 0;
  std::string name;
};

class ProcessTable {
 public:
  // `proc_root` is only used on Linux ("/proc"); tests may point it at a
  // fixture tree.
  explicit ProcessTable(std::string proc_root = "/proc");

  // Every process visible to us. An Error when the table cannot be read at
  // all (no /proc mounted, sysctl refused).
  Expected<std::vector<ProcessInfo>> List() const;
  // The command name of `pid`, or nullopt when no such process exists.
  std::optional<std::string> NameOf(pid_t pid) const;
  // True when `pid` exists (kill(pid, 0) succeeds or fails only with EPERM).
  static bool Alive(pid_t pid);
  // The pid in a pidfile: its first line, a positive number; 0 when the
  // file is missing, unreadable, not a regular file or holds no pid.
  static pid_t ReadPidfile(const std::string& path);
  // Whether a kernel command name stands for `wanted`: equal, or `name` is
  // the kernel's truncation of a longer `wanted`.
  static bool NameMatches(const std::string& name, const std::string& wanted);
  // The longest command name the kernel keeps: 15 on Linux
  // (TASK_COMM_LEN - 1), COMMLEN = 19 on FreeBSD (checked by static_assert
  // in process_table_freebsd.cpp). Defined by the platform's file.
  static const std::size_t kCommandNameMax;

  // One entry of FreeBSD's kinfo_proc table, reduced to what List() needs;
  // portable so the selection below is unit-tested on every system.
  struct KernelEntry {
    pid_t pid = 0;
    char stat = 0;  // ki_stat: SIDL 1, SRUN 2, SSLEEP 3, SSTOP 4, SZOMB 5...
    std::string comm;
  };
  static constexpr char kFreeBsdZombie = 5;  // SZOMB in sys/sys/proc.h
  // The processes that run: zombies are left out, as on Linux, so an exited
  // radvd that its parent has not reaped yet does not count as running.
  static std::vector<ProcessInfo> LiveProcesses(
      const std::vector<KernelEntry>& entries);

 private:
  std::string proc_root_;
};

}  // namespace ipv6ha
