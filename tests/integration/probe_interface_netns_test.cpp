// Per-WAN probes with real packets (root only): a router namespace with two
// "WANs", wan0 and wan1, each a veth to its own ISP namespace. The default
// route prefers wan0. Target A (2001:db8:100::1) exists only behind wan1,
// target B (2001:db8:200::1) only behind wan0, so a probe to A succeeds only
// if it really left through wan1, and one to B only through wan0.
//
// Both interface bindings run here (interface_binding.h): SO_BINDTODEVICE,
// Linux's own, and source address + IPV6_PKTINFO, the method FreeBSD uses.
// Linux's raw and TCP sockets ignore a sticky IPV6_PKTINFO index, so what
// carries a kSourceAndPktinfo probe out of its WAN here is its source
// address and one policy route per WAN ("from the WAN's address, via the
// WAN's gateway"), which stands in for OPNsense's force-gateway rules (pf
// route-to by source address). So the test proves the source chosen, the
// socket bound to it, and the reply coming back; the index itself is
// FreeBSD's and only compile-checked. TCP runs with SO_BINDTODEVICE only.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <memory>

#include "exporter/import/config_import.h"
#include "exporter/platform/interface_binding.h"
#include "exporter/platform/prober.h"
#include "tests/integration/connectivity_lab.h"
#include "tests/support/netns.h"

namespace ipv6ha::testing {
namespace {

using std::chrono::milliseconds;

constexpr char kBehindWan1[] = "2001:db8:100::1";
constexpr char kBehindWan0[] = "2001:db8:200::1";
constexpr auto kTimeout = milliseconds(500);

std::string BindingName(
    const ::testing::TestParamInfo<InterfaceBinding>& info) {
  return info.param == InterfaceBinding::kBindToDevice ? "BindToDevice"
                                                       : "SourceAndPktinfo";
}

class TwoWans : public ::testing::TestWithParam<InterfaceBinding> {
 protected:
  void SetUp() override {
    if (!CanUseNetNs()) GTEST_SKIP() << "needs root and ip netns";
    router_ = std::make_unique<NetNs>("router");
    isp0_ = std::make_unique<NetNs>("isp0");
    isp1_ = std::make_unique<NetNs>("isp1");
    wan0_ = std::make_unique<VethPair>(*router_, "wan0", *isp0_, "up0");
    wan1_ = std::make_unique<VethPair>(*router_, "wan1", *isp1_, "up1");
    ASSERT_TRUE(wan0_->ok() && wan1_->ok());
    Address(*router_, "2001:db8:a::2/64", "wan0");
    Address(*isp0_, "2001:db8:a::1/64", "up0");
    Address(*router_, "2001:db8:b::2/64", "wan1");
    Address(*isp1_, "2001:db8:b::1/64", "up1");
    Address(*isp1_, std::string(kBehindWan1) + "/128", "lo");
    Address(*isp0_, std::string(kBehindWan0) + "/128", "lo");
    // Both WANs have a default route; wan0's wins when nothing else decides.
    ASSERT_TRUE(
        router_->MustExec({"ip", "-6", "route", "add", "default", "via",
                           "2001:db8:a::1", "dev", "wan0", "metric", "100"}));
    ASSERT_TRUE(
        router_->MustExec({"ip", "-6", "route", "add", "default", "via",
                           "2001:db8:b::1", "dev", "wan1", "metric", "200"}));
    // One table per WAN, selected by source address.
    PolicyRoute("2001:db8:a::2", "2001:db8:a::1", "wan0", "100");
    PolicyRoute("2001:db8:b::2", "2001:db8:b::1", "wan1", "101");
    router_->RunIn([&] {
      prober_ = std::make_unique<Prober>(
          Prober::Options{IcmpSocketKind::kRaw, GetParam()});
    });
  }
  void TearDown() override { prober_.reset(); }

  void Address(const NetNs& ns, const std::string& cidr,
               const std::string& dev) {
    ASSERT_TRUE(
        ns.MustExec({"ip", "-6", "addr", "add", cidr, "dev", dev, "nodad"}));
  }

  void PolicyRoute(const std::string& from, const std::string& gateway,
                   const std::string& dev, const std::string& table) {
    ASSERT_TRUE(router_->MustExec({"ip", "-6", "route", "add", "default", "via",
                                   gateway, "dev", dev, "table", table}));
    ASSERT_TRUE(router_->MustExec(
        {"ip", "-6", "rule", "add", "from", from, "table", table}));
  }

  ProbeOutcome Probe(const std::string& target, const std::string& interface,
                     int tcp_port = 0) {
    ProbeSpec spec;
    spec.target = *ParseIpv6Address(target);
    spec.interface = interface;
    spec.tcp_port = tcp_port;
    ProbeOutcome out;
    // The prober's engine thread was started inside the router namespace by
    // its first probe, so run that one there too.
    router_->RunIn([&] { out = prober_->ProbeAll({spec}, kTimeout).at(0); });
    return out;
  }

  std::unique_ptr<NetNs> router_, isp0_, isp1_;
  std::unique_ptr<VethPair> wan0_, wan1_;
  std::unique_ptr<Prober> prober_;
};

std::string Describe(const ProbeOutcome& o) {
  return o.result == ProbeResult::kSuccess ? "success" : o.reason;
}

TEST_P(TwoWans, WithoutAnInterfaceTheDefaultRouteDecides) {
  EXPECT_EQ(Probe(kBehindWan0, "").result, ProbeResult::kSuccess);
  EXPECT_NE(Probe(kBehindWan1, "").result, ProbeResult::kSuccess)
      << "the lab is wrong: wan1's target answered through wan0";
}

TEST_P(TwoWans, EachProbeLeavesThroughItsOwnInterface) {
  const ProbeOutcome a = Probe(kBehindWan1, "wan1");
  EXPECT_EQ(a.result, ProbeResult::kSuccess) << Describe(a);
  const ProbeOutcome b = Probe(kBehindWan0, "wan0");
  EXPECT_EQ(b.result, ProbeResult::kSuccess) << Describe(b);
  // And the other way round they miss: wan0 cannot reach wan1's target.
  EXPECT_EQ(Probe(kBehindWan1, "wan0").result, ProbeResult::kFailure);
  EXPECT_EQ(Probe(kBehindWan0, "wan1").result, ProbeResult::kFailure);
}

TEST_P(TwoWans, AnInterfaceWithoutAGlobalAddressIsReportedNotGuessed) {
  ASSERT_TRUE(router_->MustExec(
      {"ip", "-6", "addr", "del", "2001:db8:b::2/64", "dev", "wan1"}));
  const ProbeOutcome o = Probe(kBehindWan1, "wan1");
  if (GetParam() == InterfaceBinding::kSourceAndPktinfo) {
    EXPECT_EQ(o.result, ProbeResult::kError) << Describe(o);
    EXPECT_NE(o.reason.find("interface wan1 has no global IPv6 address"),
              std::string::npos)
        << o.reason;
  } else {
    // SO_BINDTODEVICE sends anyway, from wan0's address, and the reply
    // cannot come back through wan1: a failure, never a success.
    EXPECT_NE(o.result, ProbeResult::kSuccess);
  }
}

INSTANTIATE_TEST_SUITE_P(Bindings, TwoWans,
                         ::testing::Values(InterfaceBinding::kBindToDevice,
                                           InterfaceBinding::kSourceAndPktinfo),
                         BindingName);

class TwoWansTcp : public TwoWans {};

TEST_P(TwoWansTcp, TcpProbeConnectsThroughItsOwnInterface) {
  NsListener listener(*isp1_, kBehindWan1, 8443);
  const ProbeOutcome o = Probe(kBehindWan1, "wan1", 8443);
  EXPECT_EQ(o.result, ProbeResult::kSuccess) << Describe(o);
  EXPECT_NE(Probe(kBehindWan1, "wan0", 8443).result, ProbeResult::kSuccess);
}

INSTANTIATE_TEST_SUITE_P(BindToDevice, TwoWansTcp,
                         ::testing::Values(InterfaceBinding::kBindToDevice));

}  // namespace
}  // namespace ipv6ha::testing

namespace ipv6ha::testing {
namespace {

// --import-ha-singleton with WAN_INTS="wan0 wan1" writes one observe-only
// ipv6_connectivity check per WAN with `interface:`. Run through FreeBSD's
// method (kSourceAndPktinfo), each reaches its targets only through its own
// WAN: the imported targets live behind wan1 here, so wan1's check is ok and
// wan0's fails. Only the check speed is changed (interval, timeout).
class ImportedPerWanChecks : public TwoWans {};

std::string PerWanCheck(const std::string& wan) {
  ImportedConfig imported;
  imported.wan_interfaces = {"wan0", "wan1"};
  YAML::Node root = YAML::Load(RenderImportedConfig(imported));
  YAML::Node check = root["checks"]["ipv6_connectivity_" + wan];
  EXPECT_TRUE(check) << "the import wrote no check for " << wan;
  EXPECT_EQ(check["interface"].as<std::string>(""), wan);
  check["interval"] = "200ms";
  check["timeout"] = "150ms";
  YAML::Node out;
  out["checks"]["ipv6_connectivity_" + wan] = check;
  return YAML::Dump(out);
}

TEST_P(ImportedPerWanChecks, EachWansCheckProbesThroughItsWan) {
  ImportedConfig imported;
  imported.wan_interfaces = {"wan0", "wan1"};
  YAML::Node root = YAML::Load(RenderImportedConfig(imported));
  for (const auto& t : root["checks"]["ipv6_connectivity_wan1"]["targets"]) {
    Address(*isp1_, t.as<std::string>() + "/128", "lo");
  }
  CheckEnv env;
  router_->RunIn([&] {
    env.prober = std::make_shared<Prober>(
        Prober::Options{IcmpSocketKind::kRaw, GetParam()});
  });
  CheckRunner wan1(*router_, PerWanCheck("wan1"), env);
  CheckRunner wan0(*router_, PerWanCheck("wan0"), env);
  EXPECT_TRUE(wan1.WaitForStreak(CheckStatus::kOk, 2, milliseconds(3000)))
      << (wan1.Latest() ? wan1.Latest()->summary : "no result");
  EXPECT_TRUE(wan0.WaitForStreak(CheckStatus::kFail, 1, milliseconds(3000)))
      << (wan0.Latest() ? wan0.Latest()->summary : "no result");
}

INSTANTIATE_TEST_SUITE_P(Bindings, ImportedPerWanChecks,
                         ::testing::Values(InterfaceBinding::kBindToDevice,
                                           InterfaceBinding::kSourceAndPktinfo),
                         BindingName);

}  // namespace
}  // namespace ipv6ha::testing
