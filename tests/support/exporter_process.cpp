#include "tests/support/exporter_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "tests/support/proc_status.h"

namespace ipv6ha::testing {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string tmpl =
      (fs::temp_directory_path() / "ipv6ha-test-XXXXXX").string();
  char* made = mkdtemp(tmpl.data());
  path_ = made ? made : tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::Write(const std::string& name,
                           const std::string& content) const {
  fs::path p = path_ / name;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

std::optional<HttpResponse> HttpGet(const std::string& host, int port,
                                    const std::string& path,
                                    const std::string& authorization,
                                    std::chrono::milliseconds timeout) {
  const bool v6 = host.find(':') != std::string::npos;
  int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  int rc;
  if (v6) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    inet_pton(AF_INET6, host.c_str(), &a.sin6_addr);
    rc = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  } else {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, host.c_str(), &a.sin_addr);
    rc = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  }
  if (rc != 0) return std::nullopt;
  std::string req = "GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n";
  if (!authorization.empty()) req += "Authorization: " + authorization + "\r\n";
  req += "Connection: close\r\n\r\n";
  if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(req.size())) {
    return std::nullopt;
  }
  std::string raw;
  char buf[65536];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    raw.append(buf, n);
  }
  auto head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos || raw.compare(0, 5, "HTTP/") != 0) {
    return std::nullopt;
  }
  HttpResponse r;
  r.headers = raw.substr(0, head_end);
  r.body = raw.substr(head_end + 4);
  r.status = std::atoi(raw.c_str() + raw.find(' ') + 1);
  return r;
}

RunResult RunProgram(const std::vector<std::string>& argv,
                     std::chrono::milliseconds timeout) {
  RunResult result;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    return result;
  }
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int open_count = 2;
  char buf[65536];
  bool timed_out = false;
  while (open_count > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    if (poll(fds, 2, static_cast<int>(left)) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !fds[i].revents) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      if (n <= 0) {
        fds[i].fd = -1;
        --open_count;
      } else {
        (i == 0 ? result.out : result.err).append(buf, n);
      }
    }
  }
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  close(out_pipe[0]);
  close(err_pipe[0]);
  if (!timed_out && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

ExporterProcess::ExporterProcess(std::vector<std::string> args,
                                 std::string netns, std::string binary) {
  if (binary.empty()) binary = IPV6HA_BINARY_PATH;
  std::vector<std::string> argv;
  if (!netns.empty()) argv = {"/usr/sbin/ip", "netns", "exec", netns};
  argv.push_back(binary);
  for (auto& a : args) argv.push_back(std::move(a));
  char tmpl[] = "/tmp/ipv6ha-exporter-log-XXXXXX";
  int log_fd = mkstemp(tmpl);
  log_path_ = tmpl;
  pid_ = fork();
  if (pid_ == 0) {
    setsid();
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    std::vector<char*> cargs;
    for (const auto& a : argv) cargs.push_back(const_cast<char*>(a.c_str()));
    cargs.push_back(nullptr);
    execv(cargs[0], cargs.data());
    _exit(127);
  }
  close(log_fd);
}

ExporterProcess::~ExporterProcess() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
  // Programs it left running (a failed test of shutdown).
  if (pid_ > 0) {
    for (pid_t left : SessionProcesses(pid_)) kill(left, SIGKILL);
  }
  unlink(log_path_.c_str());
}

bool ExporterProcess::Running() {
  if (reaped_) return false;
  if (waitpid(pid_, &status_, WNOHANG) == pid_) {
    reaped_ = true;
    return false;
  }
  return true;
}

void ExporterProcess::Signal(int sig) const {
  if (!reaped_) kill(pid_, sig);
}

int ExporterProcess::Stop(std::chrono::milliseconds timeout) {
  if (!reaped_) {
    kill(pid_, SIGTERM);
    if (!WaitFor([&] { return !Running(); }, timeout)) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status_, 0);
      reaped_ = true;
      return -SIGKILL;
    }
  }
  if (WIFEXITED(status_)) return WEXITSTATUS(status_);
  return -WTERMSIG(status_);
}

bool ExporterProcess::WaitReady(int port, const std::string& path,
                                std::chrono::milliseconds timeout) {
  return WaitFor(
             [&] {
               if (!Running()) return true;
               auto r = HttpGet("127.0.0.1", port, path, "",
                                std::chrono::seconds(1));
               return r && r->status == 200;
             },
             timeout) &&
         Running();
}

std::vector<pid_t> ExporterProcess::Children() const {
  std::vector<pid_t> children;
  for (pid_t q : SessionProcesses(pid_)) {
    if (ReadProcStat(q).ppid == pid_) children.push_back(q);
  }
  return children;
}

std::vector<pid_t> ExporterProcess::LeftRunning(
    std::chrono::milliseconds timeout) const {
  std::vector<pid_t> left;
  WaitFor(
      [&] {
        left = SessionProcesses(pid_);
        std::erase(left, pid_);
        return left.empty();
      },
      timeout);
  return left;
}

std::string ExporterProcess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace ipv6ha::testing
