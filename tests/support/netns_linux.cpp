#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <sstream>
#include <thread>

#include "tests/support/netns.h"

namespace ipv6ha::testing {
namespace {

constexpr char kIp[] = "/usr/sbin/ip";  // RunProgram does no PATH lookup
std::atomic<int> g_counter{0};

std::string Unique(const std::string& base) {
  return "ipv6ha-" + base + "-" + std::to_string(getpid()) + "-" +
         std::to_string(g_counter++);
}

}  // namespace

bool CanUseNetNs() {
  return geteuid() == 0 && RunProgram({kIp, "netns", "list"}).exit_code == 0;
}

NetNs::NetNs(const std::string& base) : name_(Unique(base)) {
  auto r = RunProgram({kIp, "netns", "add", name_});
  ok_ = r.exit_code == 0;
  if (!ok_) {
    ADD_FAILURE() << "ip netns add " << name_ << ": " << r.err;
    return;
  }
  MustExec({"ip", "link", "set", "lo", "up"});
}

NetNs::~NetNs() {
  if (!ok_) return;
  // Processes left inside (a listener, an exporter) would keep it alive.
  auto pids = RunProgram({kIp, "netns", "pids", name_});
  std::istringstream in(pids.out);
  for (pid_t pid; in >> pid;) kill(pid, SIGKILL);
  RunProgram({kIp, "netns", "del", name_});
}

RunResult NetNs::Exec(const std::vector<std::string>& argv,
                      std::chrono::milliseconds timeout) const {
  std::vector<std::string> full = {kIp, "netns", "exec", name_};
  full.insert(full.end(), argv.begin(), argv.end());
  return RunProgram(full, timeout);
}

bool NetNs::MustExec(const std::vector<std::string>& argv) const {
  auto r = Exec(argv);
  if (r.exit_code != 0) {
    std::string cmd;
    for (const auto& a : argv) cmd += a + " ";
    ADD_FAILURE() << "in " << name_ << ": " << cmd << "failed: " << r.err;
    return false;
  }
  return true;
}

void NetNs::RunIn(const std::function<void()>& fn) const {
  std::string error;
  std::thread t([&] {
    const int fd = open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
      error = "cannot enter network namespace " + name_;
      if (fd >= 0) close(fd);
      return;
    }
    close(fd);
    fn();
  });
  t.join();
  if (!error.empty()) ADD_FAILURE() << error;
}

VethPair::VethPair(const NetNs& a, const std::string& name_a, const NetNs& b,
                   const std::string& name_b)
    : a_(a), name_a_(name_a) {
  const int n = g_counter++;
  const std::string tmp_a =
      "v" + std::to_string(getpid() % 100000) + "a" + std::to_string(n);
  const std::string tmp_b =
      "v" + std::to_string(getpid() % 100000) + "b" + std::to_string(n);
  auto r = RunProgram(
      {kIp, "link", "add", tmp_a, "type", "veth", "peer", "name", tmp_b});
  if (r.exit_code != 0) {
    ADD_FAILURE() << "ip link add veth: " << r.err;
    return;
  }
  ok_ =
      RunProgram({kIp, "link", "set", tmp_a, "netns", a.name(), "name", name_a})
              .exit_code == 0 &&
      RunProgram({kIp, "link", "set", tmp_b, "netns", b.name(), "name", name_b})
              .exit_code == 0 &&
      a.MustExec({"ip", "link", "set", name_a, "up"}) &&
      b.MustExec({"ip", "link", "set", name_b, "up"});
  if (!ok_) {
    RunProgram({kIp, "link", "del", tmp_a});  // if it never moved
    ADD_FAILURE() << "cannot set up veth pair " << name_a << "/" << name_b;
  }
}

VethPair::~VethPair() {
  // Deleting one end deletes both; harmless when the namespace is gone.
  if (ok_) a_.Exec({"ip", "link", "del", name_a_});
}

}  // namespace ipv6ha::testing
