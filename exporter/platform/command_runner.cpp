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
#include <cstring>
#include <mutex>
#include <set>
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

// Process groups of the programs being waited for, for KillRunningCommands.
// Never destroyed: Scheduler::Stop leaves a worker that is inside a run (a
// hung command) to the process exit, and that worker may still add or remove
// its child while static destructors run (TSan saw the set freed under it).
std::mutex& RunningMutex() {
  // NOLINTNEXTLINE(cppcoreguidelines-owning-memory): never freed, see above
  static auto* m = new std::mutex;
  return *m;
}
std::set<pid_t>& Running() {
  // NOLINTNEXTLINE(cppcoreguidelines-owning-memory): never freed, see above
  static auto* s = new std::set<pid_t>;
  return *s;
}

// Owns a spawned child: kills its process group and reaps it unless it was
// already reaped, so an early return never leaves a zombie or a stray child.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {
    std::lock_guard lock(RunningMutex());
    Running().insert(pid);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0) {
      Kill();
      std::lock_guard lock(RunningMutex());
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      Running().erase(pid_);
    }
  }
  void Kill() const {
    ::kill(-pid_, SIGKILL);  // the whole process group
    ::kill(pid_, SIGKILL);
  }
  // Returns true and fills status when the child has exited.
  bool TryReap(int* status) {
    // Under the lock, so KillRunningCommands never signals a reaped (and
    // possibly reused) pid.
    std::lock_guard lock(RunningMutex());
    pid_t r = ::waitpid(pid_, status, WNOHANG);
    if (r == pid_) {
      Running().erase(pid_);
      pid_ = -1;
      return true;
    }
    return false;
  }

 private:
  pid_t pid_;
};

std::string Millis(std::chrono::milliseconds ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + "s";
  return std::to_string(ms.count()) + "ms";
}

}  // namespace

void KillRunningCommands() {
  std::lock_guard lock(RunningMutex());
  for (pid_t pid : Running()) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
  }
}

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
  const std::string what = DescribeCommand(spec.argv);
  if (spec.argv.empty() || spec.argv[0].empty()) {
    return Error{"no command configured"};
  }
  auto out_pipe = MakePipe();
  if (!out_pipe) return out_pipe.error();
  auto err_pipe = MakePipe();
  if (!err_pipe) return err_pipe.error();

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe->write_end.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe->write_end.get(), 2);
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

  const auto start = Clock::now();
  pid_t pid = -1;
  int rc =
      ::posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return Error{"cannot run " + spec.argv[0] + ": " + std::strerror(rc)};
  }
  Child child(pid);
  out_pipe->write_end.Reset();
  err_pipe->write_end.Reset();

  CommandOutput result;
  const auto deadline = start + spec.timeout;
  std::array<pollfd, 2> fds{pollfd{out_pipe->read_end.get(), POLLIN, 0},
                            pollfd{err_pipe->read_end.get(), POLLIN, 0}};
  std::array<char, 65536> buf;
  int open_fds = 2;
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (left.count() <= 0) {
      return Error{what + " timed out after " + Millis(spec.timeout)};
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
        fds[0].fd = -1;
        fds[1].fd = -1;
        open_fds = 0;
      }
    }
  }
  // Output is closed; wait for the exit status until the deadline.
  int status = 0;
  auto pause = std::chrono::microseconds(200);
  while (!child.TryReap(&status)) {
    if (Clock::now() >= deadline) {
      return Error{what + " timed out after " + Millis(spec.timeout) +
                   " (output closed, process still running)"};
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(10000));
  }
  result.duration = Clock::now() - start;
  RepairUtf8InPlace(result.stdout_text);
  RepairUtf8InPlace(result.stderr_text);
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace ipv6ha
