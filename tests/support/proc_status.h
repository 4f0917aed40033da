#pragma once

// Fields of /proc/PID/status (Linux) that the load and footprint tests
// measure a running exporter by (-1 when the process or field is gone), and
// the processes of a session, by which the shutdown tests find what an
// exporter left running.

#include <dirent.h>
#include <sys/types.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

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

// From /proc/PID/stat ("pid (comm) S ppid pgrp session ..."); state 0 when
// the process is gone.
struct ProcStat {
  pid_t pid = 0;
  char state = 0;  // R, S, D, Z, ...
  pid_t ppid = 0;
  pid_t session = 0;
};
inline ProcStat ReadProcStat(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  ProcStat s;
  s.pid = pid;
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return s;
  std::istringstream rest(stat.substr(close + 2));
  pid_t pgrp = 0;
  rest >> s.state >> s.ppid >> pgrp >> s.session;
  return s;
}

// The processes for which `match(const ProcStat&)` is true.
template <typename Match>
std::vector<pid_t> ProcessesWhere(Match match) {
  std::vector<pid_t> found;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return found;
  while (dirent* e = readdir(proc)) {
    const pid_t pid = std::atoi(e->d_name);
    if (pid <= 0) continue;
    const ProcStat s = ReadProcStat(pid);
    if (s.state != 0 && match(s)) found.push_back(pid);
  }
  closedir(proc);
  return found;
}

// Processes of session `sid` that are alive (zombies are dead, only not yet
// reaped). A session outlives its leader: a program the leader started,
// also one in a process group of its own or orphaned when the leader
// exited, stays in it.
inline std::vector<pid_t> SessionProcesses(pid_t sid) {
  return ProcessesWhere(
      [&](const ProcStat& s) { return s.session == sid && s.state != 'Z'; });
}

}  // namespace ipv6ha::testing
