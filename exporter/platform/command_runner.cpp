#include "exporter/platform/command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "exporter/platform/unique_fd.h"
#include "exporter/text/utf8.h"

// glibc declares it with _GNU_SOURCE, FreeBSD's <unistd.h> does not.
extern char** environ;  // NOLINT(readability-redundant-declaration)

namespace ipv6ha {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxStderrBytes = 64 * 1024;

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

Expected<Pipe> MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return Error{std::string("cannot create pipe: ") + std::strerror(errno)};
  }
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void KillGroup(pid_t pid) {
  ::kill(-pid, SIGKILL);  // the whole process group
  ::kill(pid, SIGKILL);
}

std::size_t Index(CommandPurpose purpose) {
  return static_cast<std::size_t>(purpose);
}

// The programs being waited for (each leads its own process group) and what
// KillRunningCommands and StopCommands did, under one mutex. A child leaves
// the set before or as it is reaped, so a kill never reaches a reaped
// (possibly reused) pid; and registering a child excludes stopping its
// purpose: a child spawned as StopCommands runs is either in the set when
// it kills, or refused when it registers.
class RunningChildren {
 public:
  // Before spawning: the ticket to register with, or nullopt when the
  // purpose is stopped (spawn nothing).
  std::optional<std::uint64_t> BeginSpawn(CommandPurpose purpose) {
    std::lock_guard lock(mutex_);
    if (stopped_[Index(purpose)]) return std::nullopt;
    return kills_[Index(purpose)];
  }
  // After spawning: false when the purpose was stopped meanwhile (the caller
  // kills and reaps the child). A child that a kill of its purpose missed
  // while it was being spawned is killed now, as if it had been running.
  bool Add(pid_t pid, CommandPurpose purpose, std::uint64_t ticket) {
    std::lock_guard lock(mutex_);
    if (stopped_[Index(purpose)]) return false;
    children_.emplace(pid, purpose);
    if (kills_[Index(purpose)] != ticket) KillGroup(pid);
    return true;
  }
  void Remove(pid_t pid) {
    std::lock_guard lock(mutex_);
    children_.erase(pid);
  }
  // True, with `status` filled, when the child has exited (it is reaped).
  bool TryReap(pid_t pid, int* status) {
    std::lock_guard lock(mutex_);
    if (::waitpid(pid, status, WNOHANG) != pid) return false;
    children_.erase(pid);
    return true;
  }
  void Kill(std::initializer_list<CommandPurpose> purposes, bool stop) {
    std::lock_guard lock(mutex_);
    for (CommandPurpose p : purposes) {
      ++kills_[Index(p)];
      if (stop) stopped_[Index(p)] = true;
    }
    for (const auto& [pid, purpose] : children_) {
      if (std::find(purposes.begin(), purposes.end(), purpose) !=
          purposes.end()) {
        KillGroup(pid);
      }
    }
  }

 private:
  static constexpr std::size_t kPurposes = 2;
  std::mutex mutex_;
  std::map<pid_t, CommandPurpose> children_;
  std::array<std::uint64_t, kPurposes> kills_{};
  std::array<bool, kPurposes> stopped_{};
};

// Never destroyed: Scheduler::Stop leaves a worker that is inside a run (a
// hung command) to the process exit, and that worker may still add or remove
// its child while static destructors run (TSan saw the set freed under it).
RunningChildren& Running() {
  // NOLINTNEXTLINE(cppcoreguidelines-owning-memory): never freed, see above
  static auto* running = new RunningChildren;
  return *running;
}

// Owns a spawned child: kills its process group and reaps it unless it was
// already reaped, so an early return never leaves a zombie or a stray child.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ <= 0) return;
    Kill();  // not reaped yet, so the pid is still this child's
    Running().Remove(pid_);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  void Kill() const { KillGroup(pid_); }
  // Returns true and fills status when the child has exited.
  bool TryReap(int* status) {
    if (!Running().TryReap(pid_, status)) return false;
    pid_ = -1;
    return true;
  }

 private:
  pid_t pid_;
};

std::string Millis(std::chrono::milliseconds ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + "s";
  return std::to_string(ms.count()) + "ms";
}

// Starts spec.argv with stdin from /dev/null, stdout and stderr into the
// pipes, default signal dispositions and mask, in a process group of its own.
Expected<pid_t> Spawn(const CommandSpec& spec, int out_fd, int err_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t default_signals;
  sigfillset(&default_signals);
  sigset_t no_signals;
  sigemptyset(&no_signals);
  posix_spawnattr_setsigdefault(&attr, &default_signals);
  posix_spawnattr_setsigmask(&attr, &no_signals);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
                                      POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e)
    envp.push_back(*e);
  for (const auto& e : spec.extra_env)
    envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  pid_t pid = -1;
  int rc =
      ::posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return Error{"cannot run " + spec.argv[0] + ": " + std::strerror(rc)};
  }
  return pid;
}

// Reads stdout and stderr into `result` until both are closed (the program
// and whatever inherited them are gone) or the deadline passes; stops the
// program when its stdout passes the cap.
Status ReadOutput(const CommandSpec& spec, Clock::time_point deadline,
                  Pipe& out_pipe, Pipe& err_pipe, Child& child,
                  CommandOutput& result) {
  std::array<pollfd, 2> fds{pollfd{out_pipe.read_end.get(), POLLIN, 0},
                            pollfd{err_pipe.read_end.get(), POLLIN, 0}};
  std::array<char, 65536> buf;
  int open_fds = 2;
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (left.count() <= 0) {
      return Error{DescribeCommand(spec.argv) + " timed out after " +
                   Millis(spec.timeout)};
    }
    int n = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()) + 1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error{std::string("poll failed: ") + std::strerror(errno)};
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t got = ::read(fds[i].fd, buf.data(), buf.size());
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      std::string& sink = i == 0 ? result.stdout_text : result.stderr_text;
      std::size_t cap = i == 0 ? spec.max_output_bytes : kMaxStderrBytes;
      std::size_t room = cap > sink.size() ? cap - sink.size() : 0;
      sink.append(buf.data(), std::min<std::size_t>(room, got));
      if (i == 0 && static_cast<std::size_t>(got) > room) {
        // More output than any parser of ours accepts: stop the program.
        result.truncated = true;
        child.Kill();
        return OkStatus();
      }
    }
  }
  return OkStatus();
}

// Output is closed; waits for the exit status until the deadline.
Expected<int> AwaitExit(const CommandSpec& spec, Clock::time_point deadline,
                        Child& child) {
  int status = 0;
  auto pause = std::chrono::microseconds(200);
  while (!child.TryReap(&status)) {
    if (Clock::now() >= deadline) {
      return Error{DescribeCommand(spec.argv) + " timed out after " +
                   Millis(spec.timeout) +
                   " (output closed, process still running)"};
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(10000));
  }
  return status;
}

}  // namespace

void KillRunningCommands() {
  Running().Kill({CommandPurpose::kObserve, CommandPurpose::kAct}, false);
}

void StopCommands(CommandPurpose purpose) { Running().Kill({purpose}, true); }

std::string DescribeCommand(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    out += a;
  }
  return out;
}

std::string DescribeFailure(const std::vector<std::string>& argv,
                            const CommandOutput& out) {
  if (out.signal != 0) {
    return DescribeCommand(argv) + " was killed by signal " +
           std::to_string(out.signal);
  }
  if (out.exit_code == 0) return "";
  std::string_view err = out.stderr_text;
  err = err.substr(0, err.find('\n'));
  while (!err.empty() && (err.back() == '\r' || err.back() == ' '))
    err.remove_suffix(1);
  err = Utf8Prefix(err, 200);
  return DescribeCommand(argv) + " exited " + std::to_string(out.exit_code) +
         (err.empty() ? "" : ": " + std::string(err));
}

Expected<CommandOutput> RunCommand(const CommandSpec& spec) {
  if (spec.argv.empty() || spec.argv[0].empty()) {
    return Error{"no command configured"};
  }
  const std::string not_run =
      DescribeCommand(spec.argv) + " not run: the exporter is stopping";
  const auto ticket = Running().BeginSpawn(spec.purpose);
  if (!ticket) return Error{not_run};
  auto out_pipe = MakePipe();
  if (!out_pipe) return out_pipe.error();
  auto err_pipe = MakePipe();
  if (!err_pipe) return err_pipe.error();

  const auto start = Clock::now();
  auto pid = Spawn(spec, out_pipe->write_end.get(), err_pipe->write_end.get());
  if (!pid) return pid.error();
  Child child(*pid);
  // Refused: its purpose was stopped while it was spawned; ~Child kills and
  // reaps it before the Error is returned.
  if (!Running().Add(*pid, spec.purpose, *ticket)) return Error{not_run};
  out_pipe->write_end.Reset();
  err_pipe->write_end.Reset();

  CommandOutput result;
  const auto deadline = start + spec.timeout;
  if (auto read =
          ReadOutput(spec, deadline, *out_pipe, *err_pipe, child, result);
      !read) {
    return read.error();
  }
  auto status = AwaitExit(spec, deadline, child);
  if (!status) return status.error();
  result.duration = Clock::now() - start;
  RepairUtf8InPlace(result.stdout_text);
  RepairUtf8InPlace(result.stderr_text);
  if (WIFEXITED(*status)) {
    result.exit_code = WEXITSTATUS(*status);
  } else if (WIFSIGNALED(*status)) {
    result.signal = WTERMSIG(*status);
  }
  return result;
}

}  // namespace ipv6ha
