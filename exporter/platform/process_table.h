#pragma once

// The processes running on this host, by pid and short name: /proc on Linux,
// sysctl(KERN_PROC) on FreeBSD. The name is the kernel's command name
// (Linux /proc/PID/comm, at most 15 characters; FreeBSD ki_comm, at most 19),
// not argv[0], so a process cannot rename itself into a match by argv.
// Thread safe: no state besides the configured root.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "exporter/platform/expected.h"

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
  // Whether a kernel command name stands for `wanted`: equal, or `name` is
  // the kernel's truncation of a longer `wanted`.
  static bool NameMatches(const std::string& name, const std::string& wanted);

 private:
  std::string proc_root_;
};

}  // namespace ipv6ha
