#pragma once

// The prober's engine (prober.h), shared by its two files: prober.cpp (the
// public Prober, the loop, TCP probes) and prober_icmp.cpp (echo sockets,
// sending echoes, matching replies). The members under "Engine thread
// only" belong to the engine thread; `mutex` guards the queue and
// `stopping`.

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "exporter/platform/echo_matcher.h"
#include "exporter/platform/event_poller.h"
#include "exporter/platform/icmp4_socket.h"
#include "exporter/platform/prober.h"

namespace ipv6ha {

struct Prober::Engine {
  struct Request {
    ProbeSpec spec;
    std::chrono::nanoseconds timeout;
    Callback done;
  };
  // One echo socket per family, source and interface: ICMPv6, or ICMPv4
  // for IPv4(-mapped) targets. Both speak the same messages.
  struct IcmpEndpoint {
    std::variant<Icmp6Socket, Icmp4Socket> socket;
    EchoMatcher matcher;

    int fd() const {
      return std::visit([](const auto& s) { return s.fd(); }, socket);
    }
    Expected<WallTime> Send(const sockaddr_in6& to, std::uint16_t seq,
                            std::uint64_t cookie, std::uint64_t serial) {
      return std::visit(
          [&](auto& s) { return s.SendEcho(to, seq, cookie, serial); }, socket);
    }
    std::vector<Icmp6Received> Receive() {
      return std::visit([](auto& s) { return s.ReceiveAll(); }, socket);
    }
    int last_send_errno() const {
      return std::visit([](const auto& s) { return s.last_send_errno(); },
                        socket);
    }
  };
  struct Pending {
    Callback done;
    std::chrono::nanoseconds timeout;
    int icmp_fd = -1;  // ICMP: the socket it went out on
    std::uint16_t sequence = 0;
    WallTime sent_wall;
    int tcp_fd = -1;  // TCP: the connecting socket
    std::chrono::steady_clock::time_point sent_steady;
  };

  explicit Engine(Options o);
  ~Engine();

  void Wake();  // any thread
  void Run();   // the engine thread, until stopping
  void Complete(std::uint64_t id, const ProbeOutcome& outcome);
  void Start(Request r);
  void ExpireDue();
  void Handle(const EventPoller::Event& ev);

  // TCP (prober.cpp): false when the probe completed at once.
  bool StartTcp(const Request& r, std::uint64_t id, Pending& p);
  // ICMP (prober_icmp.cpp).
  static std::string EndpointKey(const ProbeSpec& spec);
  Expected<IcmpEndpoint*> Endpoint(const ProbeSpec& spec);
  void DropEndpoint(const ProbeSpec& spec);
  // Sends the echo; false when the probe completed at once (it could not).
  bool StartIcmp(const Request& r, std::uint64_t id, Pending& p);
  // Matches every message waiting on the endpoint to its probe.
  void ReceiveIcmp(IcmpEndpoint& endpoint);

  const Options options;
  std::uint64_t cookie = 0;
  EventPoller poller;
  int wake_read = -1;
  int wake_write = -1;

  std::mutex mutex;  // guards queue and stopping
  std::deque<Request> queue;
  bool stopping = false;
  std::thread thread;
  std::once_flag started;

  // Engine thread only.
  std::uint64_t next_id = 1;
  std::uint64_t next_serial = 1;
  std::map<std::string, std::unique_ptr<IcmpEndpoint>> icmp_by_key;
  std::unordered_map<int, IcmpEndpoint*> icmp_by_fd;
  std::unordered_map<int, std::uint64_t> tcp_by_fd;
  std::unordered_map<std::uint64_t, Pending> pending;
  using Deadline =
      std::pair<std::chrono::steady_clock::time_point, std::uint64_t>;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>>
      deadlines;
  std::atomic<std::uint64_t> sent_count{0};
  std::atomic<std::uint64_t> matched{0};
  std::atomic<std::uint64_t> ignored{0};
};

}  // namespace ipv6ha
