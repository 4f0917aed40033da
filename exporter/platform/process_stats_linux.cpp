// Linux: /proc/self/statm, /proc/self/stat, /proc/stat and /proc/self/fd.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "exporter/platform/process_stats.h"

namespace ipv6ha {

std::optional<ProcessStats> ReadProcessStats() {
  ProcessStats s;
  s.cpu_seconds = ProcessCpuSeconds();
  s.max_fds = ProcessMaxFds();
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

}  // namespace ipv6ha
