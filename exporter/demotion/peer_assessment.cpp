#include "exporter/demotion/peer_assessment.h"

#include <vector>

namespace ipv6ha {
namespace {

struct PeerCheck {
  std::string name;
  std::string status;
  std::string scope;  // empty when the peer did not say
  bool applicable = true;
  bool weighted = true;  // weight > 0, or the peer did not say
};

std::string StringField(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

PeerCheck ToPeerCheck(const std::string& name, const nlohmann::json& c) {
  PeerCheck pc;
  pc.name = name.empty() ? StringField(c, "name") : name;
  pc.status = StringField(c, "status");
  pc.scope = StringField(c, "scope");
  auto a = c.find("applicable");
  if (a != c.end() && a->is_boolean()) pc.applicable = a->get<bool>();
  auto w = c.find("weight");
  if (w != c.end() && w->is_number()) pc.weighted = w->get<double>() > 0;
  return pc;
}

std::vector<PeerCheck> PeerChecks(const nlohmann::json& status) {
  std::vector<PeerCheck> out;
  auto checks = status.find("checks");
  if (checks == status.end()) return out;
  if (checks->is_array()) {
    for (const auto& c : *checks) {
      if (c.is_object()) out.push_back(ToPeerCheck("", c));
    }
  } else if (checks->is_object()) {
    for (const auto& [name, c] : checks->items()) {
      if (c.is_object()) out.push_back(ToPeerCheck(name, c));
    }
  }
  return out;
}

double PeerDesired(const nlohmann::json& status) {
  auto c = status.find("controller");
  if (c == status.end() || !c->is_object()) return 0;
  auto d = c->find("desired");
  return d != c->end() && d->is_number() ? d->get<double>() : 0;
}

}  // namespace

PeerAssessment AssessPeer(const std::optional<PeerSnapshot>& peer,
                          const std::string& peer_name,
                          std::chrono::steady_clock::time_point now,
                          std::chrono::milliseconds stale_after,
                          const std::set<std::string>& our_upstream_checks) {
  PeerAssessment a;
  const std::string who = "peer " + peer_name;
  if (!peer) {
    a.summary = who + " not heard from yet";
    return a;
  }
  const auto age =
      std::chrono::duration_cast<std::chrono::seconds>(now - peer->fetched_at);
  if (now - peer->fetched_at > stale_after) {
    a.summary =
        who + " status is stale (" + std::to_string(age.count()) + "s old)";
    return a;
  }
  if (!peer->reachable) {
    a.summary =
        who + " unreachable" + (peer->error.empty() ? "" : ": " + peer->error);
    return a;
  }
  if (!peer->api_ok || !peer->status.is_object()) {
    a.summary = who + " API not answering" +
                (peer->error.empty() ? "" : ": " + peer->error);
    return a;
  }
  const auto& status = peer->status;
  auto ready = status.find("ready");
  if (ready != status.end() && ready->is_boolean() && !ready->get<bool>()) {
    a.summary = who + " reports itself not ready";
    return a;
  }
  if (const double d = PeerDesired(status); d > 0) {
    a.summary =
        who + " is demoting itself by " + std::to_string(static_cast<long>(d));
    return a;
  }
  const auto checks = PeerChecks(status);
  for (const auto& c : checks) {
    if (c.applicable && c.weighted && c.status == "fail" &&
        c.scope != "upstream") {
      a.summary = who + " has failing local check " + c.name;
      return a;
    }
  }
  a.ready = true;
  a.summary = who + " ready";
  int vouching = 0;
  for (const auto& c : checks) {
    const bool upstream =
        c.scope == "upstream" || our_upstream_checks.count(c.name);
    if (!upstream || !c.applicable) continue;
    if (c.status != "ok") {
      a.upstream_summary = who + " cannot vouch for its upstream: " + c.name +
                           " is " + (c.status.empty() ? "unknown" : c.status);
      return a;
    }
    ++vouching;
  }
  if (vouching == 0) {
    a.upstream_summary = who + " runs no upstream check it could vouch with";
    return a;
  }
  a.upstream_ok = true;
  a.upstream_summary = who + " confirms its upstream";
  return a;
}

}  // namespace ipv6ha
