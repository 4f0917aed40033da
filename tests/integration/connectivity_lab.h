#pragma once

// A two-namespace lab for the connectivity tests: "router" (where the
// checks run) and "isp" (holding the targets 2001:db8:100::1..3 on its
// loopback), joined by a veth pair wan0 <-> up0 on 2001:db8:f::/64. The isp
// has an nftables table `inet lab` with an input chain for the tests' drop
// rules. A CheckRunner schedules checks inside router with the real
// Scheduler and records every published result.

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exporter/config/config.h"
#include "exporter/scheduler.h"
#include "exporter/store/result_store.h"
#include "tests/support/netns.h"

namespace ipv6ha::testing {

inline const std::vector<std::string> kLabTargets = {
    "2001:db8:100::1", "2001:db8:100::2", "2001:db8:100::3"};

struct Published {
  std::chrono::steady_clock::time_point at;
  CheckStatus status;
  std::string summary;
  nlohmann::json details;
};

class CheckRunner {
 public:
  // Loads `yaml` and runs its checks inside `ns`, in `role`, until
  // destroyed.
  CheckRunner(const NetNs& ns, const std::string& yaml, CheckEnv env,
              Role role = Role::kMaster) {
    auto loaded = LoadConfigFromString(yaml, "lab.yml", env);
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.error().message;
      return;
    }
    store_ = std::make_shared<ResultStore>(loaded->config.check_settings);
    store_->AddListener([this](const CheckRecord& r) {
      if (!r.result) return;
      std::lock_guard lock(mutex_);
      history_.push_back({std::chrono::steady_clock::now(), r.result->status,
                          r.result->summary, r.result->details});
    });
    scheduler_ = std::make_unique<Scheduler>(
        BuildScheduledChecks(loaded->checks), store_, [role] { return role; });
    // Workers started from inside the namespace live there, and so does the
    // prober engine they start.
    ns.RunIn([&] { scheduler_->Start(); });
  }
  ~CheckRunner() {
    if (scheduler_) scheduler_->Stop(std::chrono::seconds(2));
  }
  std::vector<Published> History() const {
    std::lock_guard lock(mutex_);
    return history_;
  }
  std::optional<Published> Latest() const {
    std::lock_guard lock(mutex_);
    if (history_.empty()) return std::nullopt;
    return history_.back();
  }
  // Waits for `n` consecutive results with `status`.
  bool WaitForStreak(CheckStatus status, int n,
                     std::chrono::milliseconds timeout) const {
    return WaitFor(
        [&] {
          auto h = History();
          if (static_cast<int>(h.size()) < n) return false;
          for (int i = 1; i <= n; ++i) {
            if (h[h.size() - i].status != status) return false;
          }
          return true;
        },
        timeout);
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Published> history_;
  std::shared_ptr<ResultStore> store_;
  std::unique_ptr<Scheduler> scheduler_;
};

// A listening socket created inside a namespace; closed at scope exit.
class NsListener {
 public:
  NsListener(const NetNs& ns, const std::string& address, int port) {
    ns.RunIn([&] {
      fd_ = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in6 a = *ParseIpv6Address(address);
      a.sin6_port = htons(static_cast<std::uint16_t>(port));
      if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
          listen(fd_, 64) != 0) {
        ADD_FAILURE() << "cannot listen on [" << address << "]:" << port;
      }
    });
  }
  ~NsListener() {
    if (fd_ >= 0) close(fd_);
  }

 private:
  int fd_ = -1;
};

class ConnectivityLab : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!CanUseNetNs()) GTEST_SKIP() << "needs root and ip netns";
    isp_ = std::make_unique<NetNs>("isp");
    router_ = std::make_unique<NetNs>("router");
    link_ = std::make_unique<VethPair>(*router_, "wan0", *isp_, "up0");
    ASSERT_TRUE(link_->ok());
    ASSERT_TRUE(
        router_->MustExec({"ip", "-6", "addr", "add", "2001:db8:f::2/64", "dev",
                           "wan0", "nodad"}));
    ASSERT_TRUE(isp_->MustExec({"ip", "-6", "addr", "add", "2001:db8:f::1/64",
                                "dev", "up0", "nodad"}));
    AddRoute();
    for (const auto& t : kLabTargets) {
      ASSERT_TRUE(
          isp_->MustExec({"ip", "-6", "addr", "add", t + "/128", "dev", "lo"}));
    }
    ASSERT_TRUE(Nft("add table inet lab"));
    ASSERT_TRUE(
        Nft("add chain inet lab input { type filter hook input priority 0; }"));
  }

  bool AddRoute() {
    return router_->MustExec({"ip", "-6", "route", "replace",
                              "2001:db8:100::/64", "via", "2001:db8:f::1",
                              "dev", "wan0"});
  }
  bool Nft(const std::string& command) {
    return isp_->MustExec({"nft", command});
  }
  bool DropEchoTo(const std::string& target) {
    return Nft("add rule inet lab input ip6 daddr " + target +
               " icmpv6 type echo-request drop");
  }

  static std::string Yaml(const std::string& check_body) {
    return "checks:\n  ipv6_connectivity:\n" + check_body;
  }

  std::unique_ptr<NetNs> isp_;
  std::unique_ptr<NetNs> router_;
  std::unique_ptr<VethPair> link_;
};

}  // namespace ipv6ha::testing
