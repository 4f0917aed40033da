#pragma once

// `ipv6_connectivity` (scope upstream): probes a set of targets with ICMPv6
// echo or TCP connect on every run and fails only when fewer than `quorum`
// targets are healthy: one dead target is not an outage.
//
//   checks:
//     ipv6_connectivity:
//       targets: ["2001:4860:4860::8888", "2606:4700:4700::1111"]
//       method: icmp        # or tcp:443
//       interval: 200ms     # one run per interval
//       timeout: 150ms      # probe timeout (less than the interval)
//       probes: 3           # per target per run; one answer will do
//       quorum: 1
//       window: 60          # probes per target for loss, RTT, jitter
//       down_after: 1       # runs in a row without an answer: down
//       max_loss: 0.2       # optional: loss above this = down
//       max_rtt: 100ms      # optional: mean RTT above this = down
//       source: "fd00:10::1"  # optional source address
//       interface: wan0     # optional interface
//       backup_policy: auto # on BACKUP: auto (default), unknown or check
//
// Each run sends `probes` probes to every target at once and waits for them
// (the run's deadline minus a small margin), so the run interval is the
// check's interval. A target answered a run when any of its probes was
// answered (like `ping -c 3`): under random loss p a run loses a target with
// p^probes instead of p, so a lossy but working path does not add up to
// `fall` failed runs. Detection time of a total loss is unchanged: the check
// reports fail within (down_after) x interval + timeout, and the controller
// acts after (down_after + fall - 1) x interval + timeout.
//
// On a BACKUP, `backup_policy` decides: `auto` evaluates the check when the
// probes have a usable upstream path (backup_upstream_path.h) and reports
// `unknown` "no upstream path in BACKUP: ..." otherwise; `unknown` never
// evaluates it there (the singleton setup); `check` always does.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checks/check_registry.h"
#include "checks/probe/probe_series.h"
#include "exporter/platform/prober.h"

namespace ipv6ha {

enum class BackupPolicy { kAuto, kUnknown, kCheck };

struct Ipv6ConnectivityConfig {
  std::vector<std::string> targets;
  int tcp_port = 0;  // 0: ICMPv6 echo
  int quorum = 1;
  int probes = 3;   // per target per run
  int window = 60;  // probes per target; default 20 runs' worth
  int down_after = 1;
  std::optional<Duration> max_rtt;
  std::optional<double> max_loss;  // 0..1
  std::string source;
  std::string interface;
  BackupPolicy backup_policy = BackupPolicy::kAuto;
};

// Whether one target counts toward the quorum, and why not.
struct TargetVerdict {
  enum class State { kHealthy, kDown, kError } state = State::kError;
  std::string reason;
};
TargetVerdict EvaluateTarget(const ProbeStats& stats,
                             const Ipv6ConnectivityConfig& config);

// The check's result from its targets' verdicts, the quorum and the role.
// `names` and `verdicts` run in parallel. `missing_path` is what a BACKUP
// under `backup_policy: auto` lacks for an upstream path
// (MissingUpstreamPaths; "" when it has one); other roles and policies
// ignore it.
CheckResult EvaluateConnectivity(const std::vector<std::string>& names,
                                 const std::vector<TargetVerdict>& verdicts,
                                 const Ipv6ConnectivityConfig& config,
                                 Role role,
                                 const std::string& missing_path = "");

class Ipv6ConnectivityCheck : public Check {
 public:
  Ipv6ConnectivityCheck(Ipv6ConnectivityConfig config, CheckSettings settings,
                        std::shared_ptr<Prober> prober);
  CheckResult Run(const RunContext& context) override;

 private:
  struct Target {
    std::string name;  // as configured
    std::optional<sockaddr_in6> address;
    std::string resolve_error;
    std::chrono::steady_clock::time_point resolved_at{};
    bool tried_unclocked = false;  // tried at construction, before any run
    std::unique_ptr<ProbeSeries> series;
  };
  // Resolves the names not resolved yet, retrying a failed one kResolveRetry
  // after its last attempt. `now` empty: at construction, before any run.
  void ResolvePending(std::optional<std::chrono::steady_clock::time_point> now);
  // Probes every resolved target (`probes` rounds) into its series.
  void ProbeTargets(const RunContext& context);
  static nlohmann::json TargetJson(const Target& t, const TargetVerdict& v);
  // What the probes lack for a usable upstream path ("" when nothing).
  std::string MissingUpstreamPath() const;

  Ipv6ConnectivityConfig config_;
  CheckSettings settings_;
  std::shared_ptr<Prober> prober_;
  std::vector<Target> targets_;
};

CheckRegistration Ipv6ConnectivityCheckRegistration();

}  // namespace ipv6ha
