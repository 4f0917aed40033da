#include "exporter/demotion/peer_assessment.h"

#include <vector>

#include "exporter/text/join.h"

namespace ipv6ha {
namespace {

std::string PeerName(const std::optional<PeerSnapshot>& peer,
                     const std::string& configured) {
  if (!configured.empty()) return configured;
  if (peer && peer->status && !peer->status->node.empty())
    return peer->status->node;
  if (peer && !peer->address.empty()) return peer->address;
  return "";
}

// Why the peer cannot take over at all, or "" when it is ready.
std::string NotReady(const PeerSnapshot& peer, const std::string& who,
                     std::chrono::steady_clock::time_point now,
                     std::chrono::milliseconds stale_after) {
  const std::string error = peer.error.empty() ? "" : ": " + peer.error;
  if (!peer.status) return who + " has not answered since we started" + error;
  if (now - peer.fetched_at > stale_after) {
    const auto age =
        std::chrono::duration_cast<std::chrono::seconds>(now - peer.fetched_at);
    return who + " status is stale (" + std::to_string(age.count()) + "s old)" +
           error;
  }
  if (!peer.reachable) return who + " unreachable" + error;
  if (!peer.api_ok) return who + " API not answering" + error;
  const NodeStatus& s = *peer.status;
  if (!s.ready) return who + " reports itself not ready";
  if (s.controller && s.controller->desired > 0) {
    return who + " is demoting itself by " +
           std::to_string(static_cast<long>(s.controller->desired));
  }
  for (const auto& c : s.checks) {
    if (c.applicable && c.Weighted() && c.status == CheckStatus::kFail &&
        !c.Upstream()) {
      return who + " has failing local check " + c.name;
    }
  }
  return "";
}

// Why the (ready) peer is no better than a node with a local fault, or "".
std::string NoBetter(const NodeStatus& s, const std::string& who) {
  std::vector<std::string> unknown;
  bool any_ok = false;
  for (const auto& c : s.checks) {
    if (!c.applicable || !c.Weighted()) continue;
    if (c.status == CheckStatus::kFail) {
      return who + " is no better: its " + c.name + " fails" +
             (c.Upstream() ? " (upstream)" : "");
    }
    if (c.status == CheckStatus::kOk) any_ok = true;
    if (c.status == CheckStatus::kUnknown) unknown.push_back(c.name);
  }
  if (!any_ok && !unknown.empty()) {
    return who + " is no better: its weighted checks are all unknown (" +
           Join(unknown, ", ") + ")";
  }
  return "";
}

void AssessUpstream(const NodeStatus& s, const std::string& who,
                    const std::set<std::string>& our_upstream_checks,
                    PeerAssessment& a) {
  int vouching = 0;
  for (const auto& c : s.checks) {
    const bool upstream = c.Upstream() || our_upstream_checks.count(c.name);
    if (!upstream || !c.applicable) continue;
    if (c.status != CheckStatus::kOk) {
      a.upstream_summary = who + " cannot vouch for its upstream: " + c.name +
                           " is " + std::string(StatusName(c.status));
      return;
    }
    ++vouching;
  }
  if (vouching == 0) {
    a.upstream_summary = who + " runs no upstream check it could vouch with";
    return;
  }
  a.upstream_ok = true;
  a.upstream_summary = who + " confirms its upstream";
}

}  // namespace

PeerAssessment AssessPeer(const std::optional<PeerSnapshot>& peer,
                          const std::string& configured_name,
                          std::chrono::steady_clock::time_point now,
                          std::chrono::milliseconds stale_after,
                          const std::set<std::string>& our_upstream_checks) {
  PeerAssessment a;
  a.name = PeerName(peer, configured_name);
  const std::string who =
      a.name.empty() ? std::string("the peer") : "peer " + a.name;
  if (!peer) {
    a.summary = a.better_summary = who + " not heard from yet";
    return a;
  }
  a.summary = NotReady(*peer, who, now, stale_after);
  if (!a.summary.empty()) {
    a.better_summary = a.summary;
    return a;
  }
  a.ready = true;
  a.summary = who + " ready";
  a.better_summary = NoBetter(*peer->status, who);
  a.better = a.better_summary.empty();
  if (a.better) a.better_summary = a.summary;
  AssessUpstream(*peer->status, who, our_upstream_checks, a);
  return a;
}

}  // namespace ipv6ha
