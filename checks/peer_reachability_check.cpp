#include "checks/peer_reachability_check.h"

#include <condition_variable>
#include <cstdio>
#include <mutex>

#include "checks/metric_table.h"
#include "checks/probe/probe_method.h"
#include "exporter/platform/resolver.h"

namespace ipv6ha {
namespace {

// The metrics of the check (docs/metrics.md), besides the probe series.
enum Metric { kApiUp, kReady, kRole, kStatusAge };
constexpr MetricDef kMetrics[] = {
    {"ipv6_ha_peer_api_up",
     "1 when the peer's /api/v1/status answered with a valid status document "
     "in the latest run.",
     prometheus::MetricType::Gauge},
    {"ipv6_ha_peer_ready",
     "1 when the peer reported itself ready (latest good status).",
     prometheus::MetricType::Gauge},
    {"ipv6_ha_peer_role",
     "The peer's reported role: 1 for the current one.",
     prometheus::MetricType::Gauge,
     {"role"}},
    {"ipv6_ha_peer_status_age_seconds",
     "Age of the latest good peer status document.",
     prometheus::MetricType::Gauge},
};

using Outcome = HttpFetchResult::Outcome;

// Why `source` cannot send to `address`, or "": a literal of the other
// family (an IPv6 source for an IPv4 peer), or no address literal at all.
std::string SourceMismatch(const std::string& source,
                           const std::string& address) {
  if (source.empty()) return "";
  auto from = ParseAddressLiteral(source);
  if (!from) return from.error().message;
  auto to = ResolveHost(address);
  if (!to) return "";
  const bool v4_from = IN6_IS_ADDR_V4MAPPED(&from->sin6_addr);
  const bool v4_to = IN6_IS_ADDR_V4MAPPED(&to->sin6_addr);
  if (v4_from == v4_to) return "";
  return "\"" + source + "\" is an " + (v4_from ? "IPv4" : "IPv6") +
         " address, but the peer's address \"" + address + "\" is " +
         (v4_to ? "IPv4" : "IPv6");
}

CheckFactory Create(ConfigReader& config, const CheckEnv& env,
                    const CheckSettings& settings) {
  PeerReachabilityConfig c;
  c.address = config.String("address", env.peer_address);
  c.api = config.String("api", env.peer_api);
  if (c.address.empty() && c.api.empty()) {
    config.FailHere(config.path() +
                    " needs peer.address or peer.api (top-level peer: section, "
                    "or address/api here)");
  }
  if (!c.address.empty() && !ResolveHost(c.address)) {
    config.Fail("address",
                config.path() + ".address \"" + c.address +
                    "\" is not an IPv4 or IPv6 address or resolvable name");
  }
  const bool https = c.api.rfind("https://", 0) == 0;
  if (!c.api.empty() && c.api.rfind("http://", 0) != 0 && !https) {
    config.Fail("api",
                config.path() + ".api must be an http:// or https:// URL");
  }
  c.fetch = env.peer_fetch;
  if (https && !c.fetch.tls) {
    // Only when this check names its own https:// api: peer.api is http://
    // (or absent), so the peer: section built no TLS context.
    auto context = TlsClientContext::Create({});
    if (context) {
      c.fetch.tls = *context;
    } else {
      config.Fail("api", config.path() + ".api: " + context.error().message);
    }
  }
  const std::string method = config.String("method", "icmp");
  if (method == "api") {
    c.probe = false;
    if (c.api.empty()) {
      config.Fail("method",
                  config.path() + ".method api needs peer.api (or api here)");
    }
  } else if (auto port = ParseProbeMethod(method)) {
    c.tcp_port = *port;
  } else {
    config.Fail("method", config.path() +
                              ".method: must be icmp, tcp:PORT "
                              "(1-65535) or api, not \"" +
                              method + "\"");
  }
  c.api_timeout = config.Dur("api_timeout", env.peer_timeout);
  c.max_body = static_cast<std::size_t>(
      config.Int("max_body", 1 << 20, 1024, std::int64_t{64} << 20));
  c.window = static_cast<int>(config.Int("window", 20, 1, 10000));
  c.source = config.String("source", "");
  if (auto why = SourceMismatch(c.source, c.address); !why.empty())
    config.Fail("source", config.path() + ".source " + why);
  c.interface = config.String("interface", "");
  auto prober = env.prober ? env.prober : std::make_shared<Prober>();
  auto view = env.peer_view ? env.peer_view : std::make_shared<PeerView>();
  return FactoryOf<PeerReachabilityCheck>(std::move(c), settings, prober, view);
}

std::string Millis(std::chrono::nanoseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fms",
                std::chrono::duration<double, std::milli>(d).count());
  return buf;
}

}  // namespace

CheckResult EvaluatePeer(const std::optional<ProbeOutcome>& probe,
                         const std::optional<HttpFetchResult>& fetch,
                         const Expected<NodeStatus>* status,
                         bool sent_credentials) {
  if (probe && probe->result == ProbeResult::kFailure) {
    return CheckResult::Fail("peer unreachable: " + probe->reason);
  }
  if (probe && probe->result == ProbeResult::kError) {
    return CheckResult::Unknown("cannot probe the peer: " + probe->reason);
  }
  const std::string rtt = probe ? " (rtt " + Millis(probe->rtt) + ")" : "";
  if (!fetch) return CheckResult::Ok("peer reachable" + rtt);
  switch (fetch->outcome) {
    case Outcome::kConnectFailed:
      return CheckResult::Fail(
          std::string(probe ? "peer answers probes but its API "
                            : "peer API ") +
          "is unreachable: " + fetch->error);
    case Outcome::kOk:
      break;
    default:
      return CheckResult::Unknown("peer status unusable: " + fetch->error);
  }
  if (fetch->status == 401) {
    return CheckResult::Unknown(
        sent_credentials
            ? "peer status unusable: peer rejected our credentials (401)"
            : "peer status unusable: peer requires credentials (401); set "
              "peer.basic_auth");
  }
  if (fetch->status != 200) {
    return CheckResult::Unknown("peer status unusable: HTTP " +
                                std::to_string(fetch->status));
  }
  if (status == nullptr) {
    return CheckResult::Unknown("peer status unusable: not parsed");
  }
  if (!status->ok()) {
    // "peer sent an invalid status document: ..."
    return CheckResult::Unknown(status->error().message);
  }
  const NodeStatus& s = status->value();
  return CheckResult::Ok(
      "peer " + (s.node.empty() ? std::string("(unnamed)") : s.node) +
      " reachable" + rtt + ", " + std::string(RoleName(s.role)) + ", " +
      (s.ready ? "ready" : "not ready"));
}

CheckResult JudgePeer(const PeerObservation& o,
                      const PeerReachabilityConfig& config) {
  return EvaluatePeer(o.probe, o.fetch, o.status ? &*o.status : nullptr,
                      !config.fetch.username.empty());
}

PeerReachabilityCheck::PeerReachabilityCheck(PeerReachabilityConfig config,
                                             CheckSettings settings,
                                             std::shared_ptr<Prober> prober,
                                             std::shared_ptr<PeerView> view)
    : config_(std::move(config)),
      settings_(std::move(settings)),
      prober_(std::move(prober)),
      view_(std::move(view)) {
  if (!config_.address.empty() && config_.probe) {
    if (auto a = ResolveHost(config_.address)) address_ = *a;
    series_ = std::make_unique<ProbeSeries>(
        config_.address, static_cast<std::size_t>(config_.window));
  }
}

PeerObservation PeerReachabilityCheck::Observe(const RunContext& context) {
  const auto wait =
      ProbeWaitFor(context.deadline, context.steady_now, settings_.timeout);
  const bool probing = config_.probe && !config_.address.empty();
  if (!address_ && probing) {
    if (auto a = ResolveHost(config_.address)) address_ = *a;
  }
  struct Latch {
    std::mutex mutex;
    std::condition_variable cv;
    std::optional<ProbeOutcome> outcome;
  };
  auto latch = std::make_shared<Latch>();
  if (address_) {
    ProbeSpec spec{*address_, config_.tcp_port, config_.source,
                   config_.interface};
    prober_->Submit(spec, wait, [latch](const ProbeOutcome& o) {
      std::lock_guard lock(latch->mutex);
      latch->outcome = o;
      latch->cv.notify_all();
    });
  }
  PeerObservation o;
  if (!config_.api.empty()) {
    const auto budget = std::min(config_.api_timeout,
                                 std::chrono::duration_cast<Duration>(wait));
    o.fetch = HttpFetch(config_.api + "/api/v1/status", budget,
                        config_.max_body, config_.fetch);
    if (o.fetch->outcome == Outcome::kOk && o.fetch->status == 200)
      o.status = ParsePeerStatus(o.fetch->body);
  }
  if (address_) {
    std::unique_lock lock(latch->mutex);
    latch->cv.wait_for(lock, wait + std::chrono::seconds(1),
                       [&] { return latch->outcome.has_value(); });
    o.probe = latch->outcome.value_or(
        ProbeOutcome{ProbeResult::kError, {}, "prober did not answer"});
    series_->Record(*o.probe);
  } else if (probing) {
    o.probe = ProbeOutcome{
        ProbeResult::kError, {}, "cannot resolve " + config_.address};
  }
  return o;
}

CheckResult PeerReachabilityCheck::Run(const RunContext& context) {
  const PeerObservation o = Observe(context);
  CheckResult result = JudgePeer(o, config_);
  const bool api_ok = o.status && o.status->ok();
  if (api_ok) {
    last_good_ = o.status->value();
    last_good_at_ = context.steady_now;
  }
  const PeerSnapshot snap = Snapshot(o, result, context.steady_now);
  view_->Update(snap);

  result.details["reachable"] = snap.reachable;
  result.details["api_ok"] = api_ok;
  if (!config_.address.empty()) result.details["address"] = config_.address;
  if (snap.reachable && o.probe) {
    result.details["rtt_seconds"] =
        std::chrono::duration<double>(snap.rtt).count();
  }
  MetricSamples api_up(kMetrics[kApiUp]);
  api_up.Add({}, api_ok ? 1 : 0);
  result.metrics.push_back(api_up.Take());
  if (last_good_) {
    AddLastGood(
        std::chrono::duration<double>(snap.updated_at - last_good_at_).count(),
        result);
  }
  if (series_) {
    for (auto& f : ProbeFamilies({series_.get()})) {
      result.metrics.push_back(std::move(f));
    }
  }
  return result;
}

PeerSnapshot PeerReachabilityCheck::Snapshot(
    const PeerObservation& o, const CheckResult& result,
    std::chrono::steady_clock::time_point now) const {
  PeerSnapshot snap;
  snap.reachable = o.probe
                       ? o.probe->result == ProbeResult::kSuccess
                       : o.fetch && o.fetch->outcome != Outcome::kConnectFailed;
  snap.api_ok = o.status && o.status->ok();
  snap.rtt = o.probe && o.probe->result == ProbeResult::kSuccess
                 ? o.probe->rtt
                 : std::chrono::nanoseconds(0);
  snap.address = config_.address.empty() ? config_.api : config_.address;
  if (last_good_) {
    snap.status = last_good_;
    snap.fetched_at = last_good_at_;
  }
  if (result.status != CheckStatus::kOk) snap.error = result.summary;
  snap.updated_at = now;
  return snap;
}

void PeerReachabilityCheck::AddLastGood(double age, CheckResult& result) const {
  const NodeStatus& s = *last_good_;
  result.details["node"] = s.node;
  result.details["role"] = std::string(RoleName(s.role));
  result.details["ready"] = s.ready;
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : s.checks)
    checks.push_back(
        {{"name", c.name}, {"status", std::string(StatusName(c.status))}});
  result.details["checks"] = std::move(checks);
  result.details["data_age_seconds"] = age;
  MetricSamples ready(kMetrics[kReady]), role(kMetrics[kRole]),
      age_family(kMetrics[kStatusAge]);
  ready.Add({}, s.ready ? 1 : 0);
  for (Role r : kAllRoles) role.Add({RoleName(r)}, r == s.role ? 1 : 0);
  age_family.Add({}, age);
  for (auto* f : {&ready, &role, &age_family})
    result.metrics.push_back(f->Take());
}

CheckRegistration PeerReachabilityCheckRegistration() {
  return {"peer_reachability",
          Scope::kLocal,
          RoleSet{},
          std::chrono::seconds(1),
          std::chrono::milliseconds(900),
          &Create,
          {kMetrics, ProbeMetrics()}};
}

}  // namespace ipv6ha
