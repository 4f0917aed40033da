#pragma once

// Test helpers: run the real ipv6_ha_exporter binary and talk HTTP to it.
// Every object cleans up (kills and reaps its process, removes its files) in
// its destructor, also when the test fails.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ipv6ha::testing {

// A temporary directory removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to `name` inside the directory; returns the full path.
  std::string Write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

struct HttpResponse {
  int status = 0;
  std::string headers;
  std::string body;
};

// A plain HTTP/1.0 GET to host:port (host "127.0.0.1" or "::1"), with an
// optional Authorization header value. nullopt on connect/read failure.
std::optional<HttpResponse> HttpGet(
    const std::string& host, int port, const std::string& path,
    const std::string& authorization = "",
    std::chrono::milliseconds timeout = std::chrono::seconds(5));

// Polls `pred` every `every` (20 ms) until it is true or `timeout` passes.
template <typename Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds timeout,
             std::chrono::milliseconds every = std::chrono::milliseconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    struct timespec ts {
      0, static_cast<long>(every.count()) * 1'000'000
    };
    nanosleep(&ts, nullptr);
  }
  return pred();
}

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  std::string out;
  std::string err;
};

// Runs a program to completion (tests only; the exporter has its own runner).
RunResult RunProgram(
    const std::vector<std::string>& argv,
    std::chrono::milliseconds timeout = std::chrono::seconds(30));

// The exporter as a child process, stdout/stderr into a log file. It leads
// a session of its own, so every program it starts stays findable by that
// session (SessionProcesses(pid()) in proc_status.h), even after it exits;
// the destructor kills what is left of it.
class ExporterProcess {
 public:
  // Starts IPV6HA_BINARY (or `binary`) with `args`; `netns` runs it inside a
  // network namespace via `ip netns exec`.
  explicit ExporterProcess(std::vector<std::string> args,
                           std::string netns = "", std::string binary = "");
  ~ExporterProcess();
  ExporterProcess(const ExporterProcess&) = delete;
  ExporterProcess& operator=(const ExporterProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool Running();
  void Signal(int sig) const;
  // Sends SIGTERM and waits; returns the exit code (or -signal).
  int Stop(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Waits until GET path on 127.0.0.1:port answers 200.
  bool WaitReady(int port, const std::string& path = "/-/healthy",
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::string Log() const;
  // Its children that are alive: the programs it runs now.
  std::vector<pid_t> Children() const;
  // Its session's processes besides itself, once none is alive or
  // `timeout` has passed: after it exited, what it left running.
  std::vector<pid_t> LeftRunning(std::chrono::milliseconds timeout) const;

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
  std::string log_path_;
};

}  // namespace ipv6ha::testing
