// FreeBSD: the kinfo_proc table through sysctl(3) KERN_PROC.

// <sys/param.h> first, as FreeBSD's own ps(1) and sysctl(3) do.
// clang-format off
#include <sys/param.h>
#include <sys/proc.h>
#include <sys/sysctl.h>
#include <sys/user.h>
// clang-format on

#include <cerrno>
#include <cstring>

#include "exporter/platform/process_table.h"

namespace ipv6ha {
namespace {

// ki_comm is char[COMMLEN + 1] (sys/sys/user.h); the kernel truncates the
// executable's name to MAXCOMLEN (sys/sys/param.h), also 19.
static_assert(COMMLEN == 19 && MAXCOMLEN == 19);
static_assert(ProcessTable::kFreeBsdZombie == SZOMB);

Expected<std::vector<kinfo_proc>> ReadKinfo(int op, int arg) {
  int mib[4] = {CTL_KERN, KERN_PROC, op, arg};
  const unsigned mib_len = op == KERN_PROC_PROC ? 3 : 4;
  for (int attempt = 0; attempt < 5; ++attempt) {
    size_t len = 0;
    if (sysctl(mib, mib_len, nullptr, &len, nullptr, 0) != 0) {
      if (errno == ESRCH) return std::vector<kinfo_proc>{};
      return Error{std::string("sysctl kern.proc failed: ") +
                   std::strerror(errno)};
    }
    len += len / 8 + sizeof(kinfo_proc);  // the table may grow meanwhile
    std::vector<kinfo_proc> procs(len / sizeof(kinfo_proc));
    len = procs.size() * sizeof(kinfo_proc);
    if (sysctl(mib, mib_len, procs.data(), &len, nullptr, 0) == 0) {
      procs.resize(len / sizeof(kinfo_proc));
      return procs;
    }
    if (errno == ESRCH) return std::vector<kinfo_proc>{};
    if (errno != ENOMEM) {
      return Error{std::string("sysctl kern.proc failed: ") +
                   std::strerror(errno)};
    }
  }
  return Error{"sysctl kern.proc kept growing while being read"};
}

}  // namespace

const std::size_t ProcessTable::kCommandNameMax = COMMLEN;

namespace {
std::vector<ProcessTable::KernelEntry> Entries(
    const std::vector<kinfo_proc>& procs) {
  std::vector<ProcessTable::KernelEntry> out;
  out.reserve(procs.size());
  for (const auto& p : procs) out.push_back({p.ki_pid, p.ki_stat, p.ki_comm});
  return out;
}
}  // namespace

Expected<std::vector<ProcessInfo>> ProcessTable::List() const {
  auto procs = ReadKinfo(KERN_PROC_PROC, 0);
  if (!procs) return procs.error();
  return LiveProcesses(Entries(*procs));
}

std::optional<std::string> ProcessTable::NameOf(pid_t pid) const {
  if (pid <= 0) return std::nullopt;
  auto procs = ReadKinfo(KERN_PROC_PID, pid);
  if (!procs) return std::nullopt;
  const auto live = LiveProcesses(Entries(*procs));
  if (live.empty()) return std::nullopt;
  return live.front().name;
}

}  // namespace ipv6ha
