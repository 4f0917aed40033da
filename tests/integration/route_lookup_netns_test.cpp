// The upstream path of a BACKUP (route_lookup.h, backup_upstream_path.h)
// against the real kernel (root only): with and without a global address,
// with and without a route, bound to an interface. Topology:
// connectivity_lab.h (router wan0 2001:db8:f::2/64 -> isp, a route to the
// targets 2001:db8:100::/64 through it); some tests add wan1, a second veth
// to the isp with no route through it.

#include <arpa/inet.h>

#include "checks/backup_upstream_path.h"
#include "exporter/platform/interface_addresses.h"
#include "exporter/platform/prober.h"
#include "exporter/platform/route_lookup.h"
#include "tests/integration/connectivity_lab.h"

namespace ipv6ha::testing {
namespace {

using std::chrono::milliseconds;

constexpr char kTarget[] = "2001:db8:100::1";

class UpstreamPathLab : public ConnectivityLab {
 protected:
  // LookUpRoute and MissingUpstreamPath, both inside the router.
  RouteLookup Lookup(const ProbePath& how = {}) const {
    RouteLookup r;
    router_->RunIn([&] {
      r = LookUpRoute(*ParseIpv6Address(kTarget), how.source, how.interface);
    });
    return r;
  }
  std::string Missing(const ProbePath& how = {}) const {
    std::string missing = "lookup did not run";
    router_->RunIn([&] {
      const auto target = *ParseIpv6Address(kTarget);
      auto addresses = ReadInterfaceAddresses();
      ASSERT_TRUE(addresses.ok());
      missing = MissingUpstreamPath(
          kTarget, target.sin6_addr,
          LookUpRoute(target, how.source, how.interface), how, *addresses);
    });
    return missing;
  }
  // wan1: a second link to the isp, no route to the targets through it.
  void AddSecondWan(bool global_address) {
    wan1_ = std::make_unique<VethPair>(*router_, "wan1", *isp_, "up1");
    ASSERT_TRUE(wan1_->ok());
    if (global_address) {
      ASSERT_TRUE(
          router_->MustExec({"ip", "-6", "addr", "add", "2001:db8:e::2/64",
                             "dev", "wan1", "nodad"}));
    }
  }
  bool DeleteRoute() const {
    return router_->MustExec(
        {"ip", "-6", "route", "del", "2001:db8:100::/64", "dev", "wan0"});
  }

  std::unique_ptr<VethPair> wan1_;
};

std::string Text(const in6_addr& a) { return FormatIpv6Address(a); }

TEST_F(UpstreamPathLab, RouteAndGlobalAddressGiveThePathAndItsSource) {
  const RouteLookup r = Lookup();
  ASSERT_EQ(r.state, RouteState::kFound) << r.error;
  EXPECT_EQ(Text(r.source), "2001:db8:f::2");
  EXPECT_EQ(Missing(), "");
}

TEST_F(UpstreamPathLab, NoRouteIsNoPath) {
  ASSERT_TRUE(DeleteRoute());
  EXPECT_EQ(Lookup().state, RouteState::kNoRoute);
  EXPECT_EQ(Missing(), "no route to 2001:db8:100::1");
}

TEST_F(UpstreamPathLab, RouteFromAUniqueLocalAddressIsNoPath) {
  // The singleton BACKUP: a route, but only a unique local address to send
  // from (its default route leads through the peer).
  ASSERT_TRUE(DeleteRoute());
  ASSERT_TRUE(router_->MustExec(
      {"ip", "-6", "addr", "del", "2001:db8:f::2/64", "dev", "wan0"}));
  ASSERT_TRUE(router_->MustExec(
      {"ip", "-6", "addr", "add", "fd00:f::2/64", "dev", "wan0", "nodad"}));
  ASSERT_TRUE(router_->MustExec(
      {"ip", "-6", "route", "add", "2001:db8:100::/64", "dev", "wan0"}));
  const RouteLookup r = Lookup();
  ASSERT_EQ(r.state, RouteState::kFound) << r.error;
  EXPECT_EQ(Text(r.source), "fd00:f::2");
  EXPECT_EQ(Missing(),
            "no global source address towards 2001:db8:100::1 (the kernel "
            "would send from fd00:f::2 on wan0)");
}

TEST_F(UpstreamPathLab, BoundToTheInterfaceWithTheRoute) {
  AddSecondWan(true);
  const RouteLookup r = Lookup({"", "wan0"});
  ASSERT_EQ(r.state, RouteState::kFound) << r.error;
  EXPECT_EQ(Text(r.source), "2001:db8:f::2");
  EXPECT_EQ(Missing({"", "wan0"}), "");
}

TEST_F(UpstreamPathLab, BoundToAnInterfaceWithoutARouteThroughIt) {
  AddSecondWan(true);
  // The route through wan0 exists; bound to wan1 it does not count.
  EXPECT_EQ(Lookup({"", "wan1"}).state, RouteState::kNoRoute);
  EXPECT_EQ(Missing({"", "wan1"}), "no route to 2001:db8:100::1 via wan1");
}

TEST_F(UpstreamPathLab, BoundToAnInterfaceWithoutAGlobalAddress) {
  AddSecondWan(false);
  ASSERT_TRUE(
      router_->MustExec({"ip", "-6", "route", "add", "2001:db8:100::/64", "dev",
                         "wan1", "metric", "2048"}));
  // The kernel has a route through wan1, and sends from wan1's link-local
  // address (or refuses to): either way no probe gets past the link.
  const RouteLookup r = Lookup({"", "wan1"});
  EXPECT_TRUE(r.state == RouteState::kFound ||
              r.state == RouteState::kNoSourceAddress)
      << static_cast<int>(r.state) << " " << r.error;
  EXPECT_EQ(Missing({"", "wan1"}), "no global address on wan1");
}

TEST_F(UpstreamPathLab, BoundToAnInterfaceThatDoesNotExist) {
  EXPECT_EQ(Lookup({"", "nowan0"}).state, RouteState::kNoInterface);
  EXPECT_EQ(Missing({"", "nowan0"}), "no interface nowan0");
}

TEST_F(UpstreamPathLab, ConfiguredSourceIsUsedOrRefused) {
  const RouteLookup ours = Lookup({"2001:db8:f::2", ""});
  ASSERT_EQ(ours.state, RouteState::kFound) << ours.error;
  EXPECT_EQ(Text(ours.source), "2001:db8:f::2");
  EXPECT_EQ(Lookup({"2001:db8:7::1", ""}).state, RouteState::kSourceNotLocal);
  EXPECT_EQ(Missing({"2001:db8:7::1", ""}),
            "source 2001:db8:7::1 is not an address of this node");
}

// The check itself on a BACKUP under the default backup_policy (auto):
// unknown while the WAN has no route, evaluated once it has one.
TEST_F(UpstreamPathLab, BackupEvaluatesOnlyWithAnUpstreamPath) {
  ASSERT_TRUE(DeleteRoute());
  CheckEnv env;
  env.prober = std::make_shared<Prober>(Prober::Options{IcmpSocketKind::kRaw});
  CheckRunner runner(*router_,
                     Yaml(R"(    targets: ["2001:db8:100::1", "2001:db8:100::2"]
    interval: 200ms
    timeout: 150ms
)"),
                     env, Role::kBackup);
  ASSERT_TRUE(
      runner.WaitForStreak(CheckStatus::kUnknown, 2, milliseconds(3000)));
  const auto without = *runner.Latest();
  EXPECT_EQ(without.summary.rfind(
                "no upstream path in BACKUP: no route to 2001:db8:100::1, "
                "2001:db8:100::2 (",
                0),
            0u)
      << without.summary;
  EXPECT_EQ(without.details["upstream_path"]["usable"], false);
  ASSERT_TRUE(AddRoute());
  ASSERT_TRUE(runner.WaitForStreak(CheckStatus::kOk, 2, milliseconds(3000)))
      << runner.Latest()->summary;
  EXPECT_EQ(runner.Latest()->details["upstream_path"]["usable"], true);
  // And a BACKUP that can vouch also fails on evidence.
  ASSERT_TRUE(Nft("add rule inet lab input icmpv6 type echo-request drop"));
  EXPECT_TRUE(runner.WaitForStreak(CheckStatus::kFail, 2, milliseconds(3000)))
      << runner.Latest()->summary;
}

}  // namespace
}  // namespace ipv6ha::testing
