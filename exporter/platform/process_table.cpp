#include "exporter/platform/process_table.h"

#include <signal.h>

#include <cerrno>
#include <cstdlib>

#include "exporter/platform/bounded_file.h"

namespace ipv6ha {

std::vector<ProcessInfo> ProcessTable::LiveProcesses(
    const std::vector<KernelEntry>& entries) {
  std::vector<ProcessInfo> out;
  out.reserve(entries.size());
  for (const auto& e : entries) {
    if (e.stat != kFreeBsdZombie) out.push_back({e.pid, e.comm});
  }
  return out;
}

ProcessTable::ProcessTable(std::string proc_root)
    : proc_root_(std::move(proc_root)) {}

pid_t ProcessTable::ReadPidfile(const std::string& path) {
  auto file = ReadBoundedFile(path, 4096);  // a FIFO here must not block
  if (!file) return 0;
  const std::string line = file->content.substr(0, file->content.find('\n'));
  char* end = nullptr;
  const long pid = std::strtol(line.c_str(), &end, 10);
  if (end == line.c_str() || pid <= 0 || pid > 0x7fffffff) return 0;
  return static_cast<pid_t>(pid);
}

bool ProcessTable::Alive(pid_t pid) {
  if (pid <= 0) return false;
  return kill(pid, 0) == 0 || errno == EPERM;
}

bool ProcessTable::NameMatches(const std::string& name,
                               const std::string& wanted) {
  if (name == wanted) return true;
  return name.size() == kCommandNameMax && wanted.size() > kCommandNameMax &&
         wanted.compare(0, kCommandNameMax, name) == 0;
}

}  // namespace ipv6ha
