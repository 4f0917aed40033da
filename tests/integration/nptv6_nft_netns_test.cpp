// Root-only (label `root`: *_netns_test): real nftables NPTv6 rules in a
// network namespace of our own, checked by the nptv6_rules check with backend
// nft; and the prefix check re-run through the file watch when the pds file is
// rewritten.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "checks/nptv6_rules_check.h"
#include "checks/prefix_freshness_check.h"
#include "exporter/platform/file_watcher.h"
#include "exporter/scheduler.h"
#include "exporter/store/result_store.h"
#include "tests/support/exporter_process.h"
#include "tests/support/fixture_file.h"

namespace ipv6ha {
namespace {

using ipv6ha::testing::ReadFixture;
using ipv6ha::testing::RunProgram;
using ipv6ha::testing::TempDir;
using ipv6ha::testing::WaitFor;

constexpr char kNft[] = "/usr/sbin/nft";
constexpr char kIp[] = "/usr/sbin/ip";

// A named network namespace with a veth pair lan0/wan0; lan0 carries a ULA
// address. Removed in the destructor, also when the test fails.
class TestNamespace {
 public:
  TestNamespace() : name_("ipv6ha_c3_" + std::to_string(getpid())) {
    RunProgram({kIp, "netns", "del", name_});  // leftover of a crashed run
    ok_ = RunProgram({kIp, "netns", "add", name_}).exit_code == 0 &&
          Exec({kIp, "link", "add", "lan0", "type", "veth", "peer", "name",
                "wan0"}) &&
          Exec({kIp, "link", "set", "lan0", "up"}) &&
          Exec({kIp, "link", "set", "wan0", "up"}) &&
          Exec({kIp, "-6", "addr", "add", "fd03:17ac:e938:10::1/64", "dev",
                "lan0", "nodad"});
  }
  ~TestNamespace() { RunProgram({kIp, "netns", "del", name_}); }
  TestNamespace(const TestNamespace&) = delete;
  TestNamespace& operator=(const TestNamespace&) = delete;

  bool ok() const { return ok_; }
  const std::string& name() const { return name_; }

  bool Exec(std::vector<std::string> argv) const {
    argv.insert(argv.begin(), {kIp, "netns", "exec", name_});
    auto r = RunProgram(argv);
    if (r.exit_code != 0) ADD_FAILURE() << r.err;
    return r.exit_code == 0;
  }
  // Loads an nft script (`nft -f FILE` inside the namespace).
  bool Nft(const TempDir& dir, const std::string& script) const {
    return Exec({kNft, "-f", dir.Write("rules.nft", script)});
  }

 private:
  std::string name_;
  bool ok_ = false;
};

// Moves the calling thread into a named namespace and back. Processes the
// thread spawns and sockets it opens (getifaddrs) live in that namespace.
class ScopedNetns {
 public:
  explicit ScopedNetns(const std::string& name) {
    original_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    const int target =
        open(("/var/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
    entered_ =
        original_ >= 0 && target >= 0 && setns(target, CLONE_NEWNET) == 0;
    if (target >= 0) close(target);
  }
  ~ScopedNetns() {
    if (entered_) setns(original_, CLONE_NEWNET);
    if (original_ >= 0) close(original_);
  }
  ScopedNetns(const ScopedNetns&) = delete;
  ScopedNetns& operator=(const ScopedNetns&) = delete;
  bool entered() const { return entered_; }

 private:
  int original_ = -1;
  bool entered_ = false;
};

std::string NptRules(const std::string& external) {
  return "table ip6 nptv6 {\n"
         "  chain postrouting {\n"
         "    type nat hook postrouting priority srcnat; policy accept;\n"
         "    oifname \"wan0\" ip6 saddr fd03:17ac:e938:10::/64 snat ip6 "
         "prefix "
         "to " +
         external +
         "\n"
         "  }\n"
         "  chain prerouting {\n"
         "    type nat hook prerouting priority dstnat; policy accept;\n"
         "    iifname \"wan0\" ip6 daddr " +
         external +
         " dnat ip6 prefix to fd03:17ac:e938:10::/64\n"
         "  }\n"
         "}\n";
}

constexpr char kNptv6Config[] = R"(ipv6-ula: "fd03:17ac:e938::/48"
lan-interfaces:
  LAN:
    interface: lan0
    mappings:
      WAN: {pd-id: 0, pd-sla: 16, pd-len: 8}
ha: {enabled: true, apply_rules_only_on_master: true}
)";

class Nptv6NftTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root for network namespaces";
    if (access(kNft, X_OK) != 0) GTEST_SKIP() << "needs " << kNft;
    ns_ = std::make_unique<TestNamespace>();
    ASSERT_TRUE(ns_->ok()) << "could not build namespace " << ns_->name();
    config_.nptv6_config = dir_.Write("checkset-nptv6.yml", kNptv6Config);
    config_.pds_file =
        dir_.Write("dhcp6c-pds.json", ReadFixture("pds/new_format.json"));
    config_.backend = "nft";
    config_.command = kNft;
  }

  CheckResult RunInNamespace(Role role = Role::kMaster) {
    ScopedNetns inside(ns_->name());
    EXPECT_TRUE(inside.entered());
    Nptv6RulesCheck check(config_);  // live interfaces via getifaddrs
    RunContext context;
    context.role = role;
    context.steady_now = std::chrono::steady_clock::now();
    context.deadline = context.steady_now + std::chrono::seconds(5);
    return check.Run(context);
  }

  TempDir dir_;
  std::unique_ptr<TestNamespace> ns_;
  Nptv6RulesConfig config_;
};

TEST_F(Nptv6NftTest, RulesPresentThenStaleThenMissing) {
  ASSERT_TRUE(ns_->Nft(dir_, NptRules("2001:db8:aa00:10::/64")));
  CheckResult present = RunInNamespace();
  EXPECT_EQ(present.status, CheckStatus::kOk) << present.summary;
  EXPECT_EQ(present.details["mappings"][0]["state"], "present");
  EXPECT_EQ(present.details["mappings"][0]["internal"],
            "fd03:17ac:e938:10::/64");

  // The ISP handed out a new prefix but the rules still carry the old one.
  ASSERT_TRUE(ns_->Exec({kNft, "delete", "table", "ip6", "nptv6"}));
  ASSERT_TRUE(ns_->Nft(dir_, NptRules("2001:db8:9900:10::/64")));
  CheckResult stale = RunInNamespace();
  EXPECT_EQ(stale.status, CheckStatus::kFail) << stale.summary;
  EXPECT_EQ(stale.details["mappings"][0]["state"], "stale");
  EXPECT_NE(stale.summary.find("2001:db8:9900:10::/64"), std::string::npos);

  ASSERT_TRUE(ns_->Exec({kNft, "delete", "table", "ip6", "nptv6"}));
  CheckResult missing = RunInNamespace();
  EXPECT_EQ(missing.status, CheckStatus::kFail) << missing.summary;
  EXPECT_EQ(missing.details["mappings"][0]["state"], "missing");

  // The same empty ruleset is what a BACKUP should have.
  EXPECT_EQ(RunInNamespace(Role::kBackup).status, CheckStatus::kOk);
}

TEST_F(Nptv6NftTest, RulesOnBackupFail) {
  ASSERT_TRUE(ns_->Nft(dir_, NptRules("2001:db8:aa00:10::/64")));
  CheckResult r = RunInNamespace(Role::kBackup);
  EXPECT_EQ(r.status, CheckStatus::kFail) << r.summary;
}

// The real binary's `check` subcommand, run inside the namespace.
TEST_F(Nptv6NftTest, CheckSubcommandInNamespaceFindsTheRules) {
  const std::string config =
      dir_.Write("exporter.yml",
                 "node: {name: fw1}\n"
                 "role: {source: static, static: master}\n"
                 "commands: {nft: " +
                     std::string(kNft) +
                     "}\n"
                     "checks:\n"
                     "  nptv6_rules: {nptv6_config: " +
                     config_.nptv6_config + ", pds_file: " + config_.pds_file +
                     ", backend: nft, weight: 100}\n"
                     "demotion: {enabled: false}\n");
  auto check = [&] {
    return RunProgram({kIp, "netns", "exec", ns_->name(), IPV6HA_BINARY,
                       "check", "--config", config, "--json"});
  };
  ASSERT_TRUE(ns_->Nft(dir_, NptRules("2001:db8:aa00:10::/64")));
  auto ok = check();
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  auto doc = nlohmann::json::parse(ok.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << ok.out;
  EXPECT_EQ(doc["checks"][0]["name"], "nptv6_rules");
  EXPECT_EQ(doc["checks"][0]["status"], "ok") << ok.out;

  ASSERT_TRUE(ns_->Exec({kNft, "delete", "table", "ip6", "nptv6"}));
  auto missing = check();
  EXPECT_EQ(missing.exit_code, 2)  // CRITICAL: a weighted check fails
      << missing.out << missing.err;
  EXPECT_NE(missing.out.find("is not loaded"), std::string::npos)
      << missing.out;
}

TEST_F(Nptv6NftTest, RewrittenPdsFileIsCheckedWithinOneSecond) {
  // The daemon's wiring: watch_file -> FileWatcher -> Scheduler::TriggerNow.
  PrefixFreshnessConfig pf_config;
  pf_config.pds_file = config_.pds_file;
  pf_config.max_age = std::chrono::hours(1);
  CheckSettings settings;
  settings.name = "prefix_freshness";
  settings.type = "prefix_freshness";
  settings.interval = std::chrono::hours(1);  // only the watch can re-run it
  std::vector<ScheduledCheck> checks;
  checks.push_back(
      {settings, std::make_unique<PrefixFreshnessCheck>(pf_config)});
  auto store =
      std::make_shared<ResultStore>(std::vector<CheckSettings>{settings});
  Scheduler scheduler(std::move(checks), store, [] { return Role::kMaster; });
  FileWatcher watcher;
  ASSERT_TRUE(watcher
                  .Watch(pf_config.pds_file,
                         [&](const std::string&) {
                           scheduler.TriggerNow("prefix_freshness");
                         })
                  .ok());
  scheduler.Start();
  auto prefix0 = [&]() -> std::string {
    auto record = store->Get("prefix_freshness");
    if (!record || !record->result) return "";
    return record->result->details["delegations"][0]["prefix"];
  };
  ASSERT_TRUE(WaitFor([&] { return prefix0() == "2001:db8:aa00::/56"; },
                      std::chrono::seconds(5)));

  const std::string tmp =
      dir_.Write("dhcp6c-pds.json.tmp", ReadFixture("pds/pd0_renumbered.json"));
  const auto renamed = std::chrono::steady_clock::now();
  ASSERT_EQ(std::rename(tmp.c_str(), config_.pds_file.c_str()), 0);
  EXPECT_TRUE(WaitFor([&] { return prefix0() == "2001:db8:dd00::/56"; },
                      std::chrono::seconds(1)))
      << "the check did not re-run within 1 s of the rename";
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - renamed);
  RecordProperty("reaction_ms", static_cast<int>(took.count()));
  scheduler.Stop(std::chrono::seconds(2));
}

}  // namespace
}  // namespace ipv6ha
