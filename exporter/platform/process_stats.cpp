#include "exporter/platform/process_stats.h"

#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#ifdef __FreeBSD__
// <sys/param.h> first, as FreeBSD's own ps(1) and sysctl(3) do.
#include <sys/param.h>
#include <sys/sysctl.h>
#include <sys/user.h>
#endif

namespace ipv6ha {
namespace {

double MaxFds() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  return static_cast<double>(rl.rlim_cur);
}

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

}  // namespace

void ApplyKinfo(const KinfoMemoryAndStart& k, std::int64_t page_size,
                ProcessStats& stats) {
  stats.resident_bytes =
      static_cast<double>(k.rssize_pages) * static_cast<double>(page_size);
  stats.virtual_bytes = static_cast<double>(k.size_bytes);
  stats.start_time_seconds = static_cast<double>(k.start_sec) +
                             static_cast<double>(k.start_usec) / 1e6;
}

#ifdef __linux__
std::optional<ProcessStats> ReadProcessStats() {
  ProcessStats s;
  s.cpu_seconds = CpuSeconds();
  s.max_fds = MaxFds();
  std::ifstream statm("/proc/self/statm");
  double pages_virtual = 0, pages_resident = 0;
  if (!(statm >> pages_virtual >> pages_resident)) return std::nullopt;
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  s.virtual_bytes = pages_virtual * page;
  s.resident_bytes = pages_resident * page;

  // Field 22 of /proc/self/stat is the start time in clock ticks since boot;
  // the comm field (2) may contain spaces, so parse after the last ')'.
  std::ifstream stat_file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), {});
  auto close = stat.rfind(')');
  if (close != std::string::npos) {
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    double start_ticks = 0;
    for (int i = 3; i <= 22 && rest >> field; ++i) {
      if (i == 22) start_ticks = std::stod(field);
    }
    std::ifstream proc_stat("/proc/stat");
    std::string key;
    double btime = 0;
    while (proc_stat >> key) {
      if (key == "btime") {
        proc_stat >> btime;
        break;
      }
    }
    s.start_time_seconds = btime + start_ticks / sysconf(_SC_CLK_TCK);
  }
  std::error_code ec;
  s.open_fds = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    *s.open_fds += 1;
  }
  return s;
}
#elif defined(__FreeBSD__)
std::optional<ProcessStats> ReadProcessStats() {
  ProcessStats s;
  s.cpu_seconds = CpuSeconds();
  s.max_fds = MaxFds();
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
#else
std::optional<ProcessStats> ReadProcessStats() {
  ProcessStats s;
  s.cpu_seconds = CpuSeconds();
  s.max_fds = MaxFds();
  return s;
}
#endif

}  // namespace ipv6ha
