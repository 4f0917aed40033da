#pragma once

// Network namespaces and veth pairs for root-only tests. Every object
// removes what it created in its destructor, also when the test fails:
// a NetNs kills the processes still inside it and deletes itself (which
// deletes its interfaces); a VethPair deletes its link if it still exists.
// Names include the pid and a counter, so parallel runs never collide.
//
//   NetNs isp("isp"), router("router");
//   VethPair link(router, "wan0", isp, "up0");
//   router.Exec({"ip", "addr", "add", "2001:db8::2/64", "dev", "wan0",
//   "nodad"}); router.RunIn([&] { /* sockets and threads made here live in
//   router */ });

#include <functional>
#include <string>
#include <vector>

#include "tests/support/exporter_process.h"

namespace ipv6ha::testing {

class NetNs {
 public:
  // Creates "ipv6ha-<base>-<pid>-<n>" with its loopback up.
  explicit NetNs(const std::string& base);
  ~NetNs();
  NetNs(const NetNs&) = delete;
  NetNs& operator=(const NetNs&) = delete;

  const std::string& name() const { return name_; }
  bool ok() const { return ok_; }
  // Runs argv inside the namespace (`ip netns exec`).
  RunResult Exec(
      const std::vector<std::string>& argv,
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  // Exec that records a test failure (with stderr) when the command fails.
  bool MustExec(const std::vector<std::string>& argv) const;
  // Runs `fn` on a new thread that has entered this namespace, and waits for
  // it. Sockets opened and threads started by `fn` stay in the namespace.
  void RunIn(const std::function<void()>& fn) const;

 private:
  std::string name_;
  bool ok_ = false;
};

class VethPair {
 public:
  // Creates a veth pair with one end in each namespace, renamed to
  // `name_a` / `name_b` (at most 15 characters) and set up.
  VethPair(const NetNs& a, const std::string& name_a, const NetNs& b,
           const std::string& name_b);
  ~VethPair();
  VethPair(const VethPair&) = delete;
  VethPair& operator=(const VethPair&) = delete;
  bool ok() const { return ok_; }

 private:
  const NetNs& a_;
  std::string name_a_;
  bool ok_ = false;
};

// True when this process may create namespaces (root with `ip` available).
bool CanUseNetNs();

}  // namespace ipv6ha::testing
