#pragma once

// keepalived's side of its notify FIFO, for tests of the role source
// keepalived: a FIFO written the way keepalived writes it, and a process
// named "keepalived" to stand for its VRRP child in a pid file. Header-only
// (unit tests link no test library).

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "exporter/platform/unique_fd.h"

namespace ipv6ha::testing {

// keepalived's side: mkfifo, open O_RDWR | O_NONBLOCK, write lines.
class FakeKeepalived {
 public:
  explicit FakeKeepalived(const std::string& path) : path_(path) { Start(); }
  void Start() {
    ::mkfifo(path_.c_str(), 0644);  // EEXIST: reused, as keepalived does
    fd_ = UniqueFd(::open(path_.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
  }
  void Say(const std::string& line) {
    const std::string text = line + "\n";
    ASSERT_EQ(::write(fd_.get(), text.data(), text.size()),
              static_cast<ssize_t>(text.size()));
  }
  // A clean stop: STOP lines, close, unlink (it created the FIFO).
  void Stop(bool unlink = true) {
    fd_.Reset();
    if (unlink) ::unlink(path_.c_str());
  }

 private:
  std::string path_;
  UniqueFd fd_;
};

// Polls `ok` until it holds or `deadline` passes.
inline bool Eventually(
    const std::function<bool()>& ok,
    std::chrono::milliseconds deadline = std::chrono::milliseconds(3000)) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return ok();
}

// A process whose kernel name is "keepalived" (a copy of sleep), standing
// for keepalived's VRRP child in its pid file.
class FakeVrrpProcess {
 public:
  explicit FakeVrrpProcess(const std::filesystem::path& dir) {
    static int n = 0;  // a running executable cannot be overwritten
    const std::filesystem::path exe =
        dir / ("vrrp" + std::to_string(++n)) / "keepalived";
    std::filesystem::create_directories(exe.parent_path());
    std::filesystem::copy_file("/bin/sleep", exe);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl(exe.c_str(), "keepalived", "600", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // Until the child has exec'd, its name is still ours.
    EXPECT_TRUE(Eventually([this] {
      std::ifstream comm("/proc/" + std::to_string(pid_) + "/comm");
      std::string name;
      return std::getline(comm, name) && name == "keepalived";
    }));
  }
  ~FakeVrrpProcess() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }
  void WritePidfile(const std::string& path) const {
    std::ofstream(path) << pid_ << "\n";
  }

 private:
  pid_t pid_ = -1;
};

}  // namespace ipv6ha::testing
