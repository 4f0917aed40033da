#include "exporter/platform/process_table.h"

#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#ifdef __FreeBSD__
// <sys/param.h> first, as FreeBSD's own ps(1) and sysctl(3) do.
#include <sys/param.h>
#include <sys/proc.h>
#include <sys/sysctl.h>
#include <sys/user.h>
#else
#include <dirent.h>

#include <fstream>
#endif

#include "exporter/platform/bounded_file.h"

namespace ipv6ha {
namespace {

#ifdef __FreeBSD__
// ki_comm is char[COMMLEN + 1] (sys/sys/user.h); the kernel truncates the
// executable's name to MAXCOMLEN (sys/sys/param.h), also 19.
constexpr std::size_t kCommandNameMax = COMMLEN;
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
#else
constexpr std::size_t kCommandNameMax = 15;  // TASK_COMM_LEN - 1

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
#endif

}  // namespace

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

#ifdef __FreeBSD__

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

#else

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

#endif

}  // namespace ipv6ha
