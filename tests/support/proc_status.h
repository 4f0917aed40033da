#pragma once

// Fields of /proc/PID/status (Linux) that the load and footprint tests
// measure a running exporter by. -1 when the process or field is gone.

#include <sys/types.h>

#include <fstream>
#include <string>

namespace ipv6ha::testing {

// The number after `field` ("VmRSS:", "Threads:", ...): kB for sizes.
inline long ProcStatusField(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (in >> key) {
    if (key == field) {
      long value = 0;
      in >> value;
      return value;
    }
    in.ignore(1 << 20, '\n');
  }
  return -1;
}

// Resident set size in bytes.
inline long RssBytes(pid_t pid) {
  return ProcStatusField(pid, "VmRSS:") * 1024;
}
inline long Threads(pid_t pid) { return ProcStatusField(pid, "Threads:"); }

}  // namespace ipv6ha::testing
