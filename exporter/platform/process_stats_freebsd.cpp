// FreeBSD: kinfo_proc of our own pid and kern.proc.nfds through sysctl(3).

// <sys/param.h> first, as FreeBSD's own ps(1) and sysctl(3) do.
// clang-format off
#include <sys/param.h>
#include <sys/sysctl.h>
#include <sys/user.h>
// clang-format on
#include <unistd.h>

#include "exporter/platform/process_stats.h"

namespace ipv6ha {

std::optional<ProcessStats> ReadProcessStats() {
  ProcessStats s;
  s.cpu_seconds = ProcessCpuSeconds();
  s.max_fds = ProcessMaxFds();
  int mib[4] = {CTL_KERN, KERN_PROC, KERN_PROC_PID, getpid()};
  kinfo_proc kp{};
  size_t len = sizeof(kp);
  if (sysctl(mib, 4, &kp, &len, nullptr, 0) != 0) return std::nullopt;
  ApplyKinfo(
      {kp.ki_rssize, kp.ki_size, kp.ki_start.tv_sec, kp.ki_start.tv_usec},
      getpagesize(), s);
#ifdef KERN_PROC_NFDS
  // kern.proc.nfds counts the caller's own descriptors; sys/kern/
  // kern_descrip.c accepts exactly one name element and it must be 0.
  int nfds_mib[4] = {CTL_KERN, KERN_PROC, KERN_PROC_NFDS, 0};
  int nfds = 0;
  size_t nfds_len = sizeof(nfds);
  if (sysctl(nfds_mib, 4, &nfds, &nfds_len, nullptr, 0) == 0) {
    s.open_fds = nfds;
  }
#endif
  return s;
}

}  // namespace ipv6ha
