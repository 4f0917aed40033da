#include "exporter/platform/process_stats.h"

#include <sys/resource.h>
#include <sys/time.h>

namespace ipv6ha {

double ProcessMaxFds() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  return static_cast<double>(rl.rlim_cur);
}

double ProcessCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

void ApplyKinfo(const KinfoMemoryAndStart& k, std::int64_t page_size,
                ProcessStats& stats) {
  stats.resident_bytes =
      static_cast<double>(k.rssize_pages) * static_cast<double>(page_size);
  stats.virtual_bytes = static_cast<double>(k.size_bytes);
  stats.start_time_seconds = static_cast<double>(k.start_sec) +
                             static_cast<double>(k.start_usec) / 1e6;
}

}  // namespace ipv6ha
