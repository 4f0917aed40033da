#pragma once

// What the DemotionController tests share: a peer of each kind, the
// parameters and checks of the tests (one run = interval + timeout = 2s),
// and snapshots fed one second apart on a fake clock.

#include <gtest/gtest.h>

#include "exporter/demotion/demotion_controller.h"
#include "tests/support/peer_document.h"

namespace ipv6ha::testing {

using std::chrono::seconds;
using S = CheckStatus;
inline constexpr S kOk = S::kOk;
inline constexpr S kFail = S::kFail;
inline constexpr S kUnk = S::kUnknown;

enum class Peer {
  kReadyUpstreamOk,    // ready, its upstream check is ok
  kReadyNoUpstream,    // ready, runs no upstream check (BACKUP with WAN down)
  kReadyUpstreamFail,  // ready, its upstream check fails too
  kNotReady,           // reports ready: false
  kDemotingItself,     // its controller wants a contribution
  kLocalFail,          // a local check of its own fails
  kObserveOnlyFail,    // only an observe-only (weight 0) check of its own fails
  kAllUnknown,         // ready, but every weighted check of its own unknown
  kUpstreamUnknown,    // ready, local ok, its upstream check unknown
  kNotApplicableFail,  // ready, a check that does not apply to it fails
  kUnreachable,
  kNone,  // never heard from
};

inline ControllerTime T0() { return ControllerTime{} + std::chrono::hours(1); }

inline std::optional<PeerSnapshot> MakePeer(Peer kind, ControllerTime now) {
  if (kind == Peer::kNone) return std::nullopt;
  PeerSnapshot p;
  p.fetched_at = now;
  p.reachable = kind != Peer::kUnreachable;
  p.api_ok = p.reachable;
  if (!p.reachable) p.error = "no reply within 1s";
  nlohmann::json checks = nlohmann::json::array();
  checks.push_back(
      {{"name", "nptv6_rules"}, {"status", "ok"}, {"scope", "local"}});
  if (kind == Peer::kReadyUpstreamOk || kind == Peer::kReadyUpstreamFail) {
    checks.push_back(
        {{"name", "ipv6_connectivity"},
         {"status", kind == Peer::kReadyUpstreamOk ? "ok" : "fail"},
         {"scope", "upstream"}});
  }
  if (kind == Peer::kLocalFail) checks[0]["status"] = "fail";
  if (kind == Peer::kAllUnknown || kind == Peer::kUpstreamUnknown) {
    checks.push_back({{"name", "ipv6_connectivity"},
                      {"status", "unknown"},
                      {"scope", "upstream"},
                      {"weight", 100}});
  }
  if (kind == Peer::kAllUnknown) checks[0]["status"] = "unknown";
  if (kind == Peer::kNotApplicableFail) {
    checks[0]["status"] = "fail";
    checks[0]["applicable"] = false;
    checks.push_back({{"name", "prefix_freshness"},
                      {"status", "ok"},
                      {"scope", "local"},
                      {"weight", 100}});
  }
  if (kind == Peer::kObserveOnlyFail) {
    checks.push_back({{"name", "peer_reachability"},
                      {"status", "fail"},
                      {"scope", "local"},
                      {"weight", 0}});
  }
  p.status = PeerDocument(
      {{"node", "fw2"},
       {"role", "backup"},
       {"ready", kind != Peer::kNotReady},
       {"checks", checks},
       {"controller", {{"desired", kind == Peer::kDemotingItself ? 50 : 0}}}});
  return p;
}

inline ControllerParams Params(
    UpstreamFailover policy = UpstreamFailover::kPeerConfirmed) {
  ControllerParams p;
  p.fall = 3;
  p.rise = 5;
  p.hold_down = seconds(30);
  p.max = 240;
  p.upstream_failover = policy;
  p.flap_changes = 4;
  p.flap_window = std::chrono::minutes(10);
  p.unknown_hold = std::chrono::minutes(5);
  p.peer_name = "fw2";
  return p;
}

inline CheckSettings Check(const std::string& name, Scope scope, int weight) {
  CheckSettings s;
  s.name = s.type = name;
  s.scope = scope;
  s.weight = weight;
  s.interval = seconds(1);
  s.timeout = seconds(1);
  return s;
}

// The checks of these tests; one run is interval + timeout = 2s.
inline std::vector<CheckSettings> Checks(int weight = 50) {
  return {Check("nptv6_rules", Scope::kLocal, weight),
          Check("ipv6_connectivity", Scope::kUpstream, weight),
          Check("prefix_freshness", Scope::kLocal, 100),
          Check("peer_reachability", Scope::kLocal, 0)};
}

inline ControllerSnapshot Snap(Role role, Peer peer, ControllerTime now,
                               std::vector<CheckEvent> events = {}) {
  ControllerSnapshot s;
  s.events = std::move(events);
  s.role = role;
  s.peer = MakePeer(peer, now);
  s.now = now;
  return s;
}

inline Decision Eval(DemotionController& c, Role role, Peer peer,
                     ControllerTime now) {
  return c.Evaluate(Snap(role, peer, now));
}

// Feeds `results` to one check, one second apart, evaluating after each.
inline Decision Feed(DemotionController& c, const std::string& name,
                     const std::vector<S>& results, Role role, Peer peer,
                     ControllerTime* now, bool applicable = true) {
  Decision d;
  for (S s : results) {
    *now += seconds(1);
    d = c.Evaluate(Snap(role, peer, *now, {{name, s, applicable, *now}}));
  }
  return d;
}

inline const std::vector<S> kThreeFails{kFail, kFail, kFail};

inline constexpr Role kMaster = Role::kMaster;
inline constexpr Peer kReady = Peer::kReadyUpstreamOk;

inline bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace ipv6ha::testing
