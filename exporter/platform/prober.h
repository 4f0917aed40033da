#pragma once

// The ICMPv6/TCP prober: one engine thread drives every probe of every check
// through one event poller (epoll on Linux, poll elsewhere). No thread per
// probe, no ping subprocess.
//
// A probe is one ICMPv6 echo (raw socket, or the Linux unprivileged
// datagram socket when raw is not permitted), one ICMPv4 echo (the same
// two kinds) for an IPv4 target, or one TCP connect, sent from a
// configured source address and/or interface, with a timeout. Its outcome
// is success with an RTT, failure with a reason ("timeout after 150ms",
// "destination unreachable: no route", "connection refused"), or an error
// when the probe could not be sent at all (no permission, bad source).
// Policy (windows, quorum, thresholds) lives with the checks.
//
// Thread safety: every method may be called from any thread. Callbacks run on
// the engine thread and must be quick. Lifetime: share it with shared_ptr;
// the destructor stops the engine and completes every open probe with an
// error, so an abandoned check that still holds it is harmless.

#include <netinet/in.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "exporter/base/expected.h"
#include "exporter/platform/icmp6_socket.h"

namespace ipv6ha {

struct ProbeSpec {
  // An IPv6 address, or an IPv4 one as an IPv4-mapped address
  // (::ffff:192.0.2.1; ResolveHost in resolver.h makes them): then the
  // probe is an ICMPv4 echo or a TCP connect over IPv4.
  sockaddr_in6 target{};
  int tcp_port = 0;  // 0: ICMP echo; else TCP connect to this port
  // Literal of the target's family to send from; empty: kernel's choice.
  std::string source;
  std::string interface;  // interface to send through; empty: routing's choice
};

enum class ProbeResult { kSuccess, kFailure, kError };

struct ProbeOutcome {
  ProbeResult result = ProbeResult::kError;
  std::chrono::nanoseconds rtt{0};  // when kSuccess
  std::string reason;               // when not kSuccess
};

struct ProberCounters {
  std::uint64_t sent = 0;
  std::uint64_t matched = 0;  // replies and errors matched to a probe
  std::uint64_t ignored = 0;  // foreign or late ICMPv6 messages
};

class Prober {
 public:
  struct Options {
    IcmpSocketKind icmp_socket = IcmpSocketKind::kAuto;
    // How a spec's `interface` is applied (interface_binding.h); tests pick
    // kSourceAndPktinfo on Linux to exercise FreeBSD's method.
    InterfaceBinding interface_binding = DefaultInterfaceBinding();
  };
  using Callback = std::function<void(const ProbeOutcome&)>;

  Prober();
  explicit Prober(Options options);
  ~Prober();
  Prober(const Prober&) = delete;
  Prober& operator=(const Prober&) = delete;

  // Starts one probe now; `done` is called exactly once.
  void Submit(const ProbeSpec& spec, std::chrono::nanoseconds timeout,
              Callback done);
  // Starts one probe per spec at once and waits for all of them (at most
  // `timeout` plus scheduling slack). Outcomes in the order of `specs`.
  std::vector<ProbeOutcome> ProbeAll(const std::vector<ProbeSpec>& specs,
                                     std::chrono::nanoseconds timeout);
  ProberCounters Counters() const;

  struct Engine;

 private:
  void EnsureStarted();
  std::shared_ptr<Engine> engine_;
};

// Parses "2001:db8::1" or "fe80::1%eth0" into a socket address (port 0).
Expected<sockaddr_in6> ParseIpv6Address(const std::string& text);
std::string FormatIpv6Address(const in6_addr& address);

}  // namespace ipv6ha
