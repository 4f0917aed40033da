#include "exporter/platform/process_table.h"

#include <signal.h>

#include <cerrno>

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
