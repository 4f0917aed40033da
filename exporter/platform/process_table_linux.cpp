// Linux: /proc/PID/comm and /proc/PID/stat under the configured root.
#include <dirent.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "exporter/platform/process_table.h"

namespace ipv6ha {
namespace {

std::optional<std::string> ReadComm(const std::string& proc_root,
                                    const std::string& pid) {
  std::ifstream in(proc_root + "/" + pid + "/comm");
  std::string name;
  if (!in || !std::getline(in, name)) return std::nullopt;
  return name;
}

// Zombies still have a comm but no longer run; /proc/PID/stat looks like
// "123 (radvd) Z 1 ...": the state follows the last ')'.
bool IsZombie(const std::string& proc_root, const std::string& pid) {
  std::ifstream in(proc_root + "/" + pid + "/stat");
  std::string stat;
  if (!in || !std::getline(in, stat)) return false;
  const auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() &&
         stat[close + 2] == 'Z';
}

}  // namespace

const std::size_t ProcessTable::kCommandNameMax = 15;  // TASK_COMM_LEN - 1

Expected<std::vector<ProcessInfo>> ProcessTable::List() const {
  DIR* dir = opendir(proc_root_.c_str());
  if (dir == nullptr) {
    return Error{"cannot list processes: " + proc_root_ + ": " +
                 std::strerror(errno)};
  }
  struct Closer {
    DIR* d;
    ~Closer() { closedir(d); }
  } closer{dir};
  std::vector<ProcessInfo> out;
  while (const dirent* entry = readdir(dir)) {
    const std::string pid = entry->d_name;
    if (pid.empty() ||
        pid.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    // A process may exit between readdir and open; skip it.
    auto name = ReadComm(proc_root_, pid);
    if (name && !IsZombie(proc_root_, pid)) {
      out.push_back({static_cast<pid_t>(std::stol(pid)), *name});
    }
  }
  return out;
}

std::optional<std::string> ProcessTable::NameOf(pid_t pid) const {
  if (pid <= 0) return std::nullopt;
  const std::string id = std::to_string(pid);
  if (IsZombie(proc_root_, id)) return std::nullopt;
  return ReadComm(proc_root_, id);
}

}  // namespace ipv6ha
