#pragma once

// `peer_reachability` (scope local): is the HA peer there, and what does it
// say about itself? Each run probes the peer's address with the shared
// prober (ICMPv6 for an IPv6 address, ICMPv4 for an IPv4 one, or TCP) and
// fetches its GET /api/v1/status (short deadline, size cap), then writes a
// PeerSnapshot into CheckEnv::peer_view for the demotion controller.
// Either family works for both: a pair whose sync link is IPv4 only sets
// address: "192.168.105.2", api: "http://192.168.105.2:9646".
//
//   peer: {address: "fd03:17ac:e938:10::2", api:
//   "http://[fd03:17ac:e938:10::2]:9646"} checks:
//     peer_reachability:
//       interval: 1s
//       # optional overrides; default from the top-level peer: section
//       address: "fd03:17ac:e938:10::2"
//       api: "http://[fd03:17ac:e938:10::2]:9646"   # or https://
//       method: icmp          # or tcp:PORT, or api: no probe, the API
//                             # fetch alone says whether the peer is there
//       api_timeout: 500ms    # default peer.timeout, capped by the run
//       max_body: 1048576     # bytes
//       source: ""            # optional source address (the address's
//                             # family) / interface
//       interface: ""
//
// Results: ok when the address answers and the API returns a status
// document; fail when the address does not answer, or nothing accepts the
// API connection (the peer's exporter is down); unknown when the API
// answers with garbage, too much, a non-200 status (401: credentials), or
// too slowly, or when TLS fails (untrusted certificate, wrong name). https
// and basic auth come from the top-level peer: section (peer.tls,
// peer.basic_auth).
// Keep weight 0: a missing peer is not this node's fault; the controller
// reads the peer view instead.

#include <memory>
#include <optional>
#include <string>

#include "checks/check_registry.h"
#include "checks/probe/probe_series.h"
#include "exporter/peer/peer_status.h"
#include "exporter/platform/http_client.h"

namespace ipv6ha {

struct PeerReachabilityConfig {
  std::string address;
  std::string api;
  bool probe = true;  // false: method api, the API fetch alone
  int tcp_port = 0;
  Duration api_timeout{std::chrono::seconds(1)};
  std::size_t max_body = 1 << 20;
  int window = 20;
  std::string source;
  std::string interface;
  HttpFetchOptions fetch;  // TLS context and basic auth, from peer:
};

// The check result from what the probe and the fetch found. Pure.
// `probe` is empty when no address is configured, `fetch` when no API;
// `sent_credentials` tells a 401 for wrong credentials from a 401 for none.
CheckResult EvaluatePeer(const std::optional<ProbeOutcome>& probe,
                         const std::optional<HttpFetchResult>& fetch,
                         const Expected<NodeStatus>* status,
                         bool sent_credentials = false);

// What one run found: the probe's outcome (empty without an address), the
// fetch of /api/v1/status (empty without an API) and its parse (only for an
// HTTP 200).
struct PeerObservation {
  std::optional<ProbeOutcome> probe;
  std::optional<HttpFetchResult> fetch;
  std::optional<Expected<NodeStatus>> status;
};

// The verdict on `o` (EvaluatePeer with the config's credentials). Pure.
CheckResult JudgePeer(const PeerObservation& o,
                      const PeerReachabilityConfig& config);

class PeerReachabilityCheck : public Check {
 public:
  PeerReachabilityCheck(PeerReachabilityConfig config, CheckSettings settings,
                        std::shared_ptr<Prober> prober,
                        std::shared_ptr<PeerView> view);
  CheckResult Run(const RunContext& context) override;

 private:
  // Probes and fetches at once; records the probe in the series.
  PeerObservation Observe(const RunContext& context);
  // What the peer view shows after this run.
  PeerSnapshot Snapshot(const PeerObservation& o, const CheckResult& result,
                        std::chrono::steady_clock::time_point now) const;
  // Details and samples of the latest good status, `age` seconds old.
  void AddLastGood(double age, CheckResult& result) const;

  PeerReachabilityConfig config_;
  CheckSettings settings_;
  std::shared_ptr<Prober> prober_;
  std::shared_ptr<PeerView> view_;
  std::optional<sockaddr_in6> address_;
  std::unique_ptr<ProbeSeries> series_;
  std::optional<NodeStatus> last_good_;
  std::chrono::steady_clock::time_point last_good_at_{};
};

CheckRegistration PeerReachabilityCheckRegistration();

}  // namespace ipv6ha
