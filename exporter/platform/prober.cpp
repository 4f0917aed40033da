#include "exporter/platform/prober.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <unistd.h>

#include <condition_variable>
#include <random>

#include "exporter/platform/prober_engine.h"
#include "exporter/platform/tcp_connect.h"

namespace ipv6ha {
namespace {

using Steady = std::chrono::steady_clock;

std::string TimeoutReason(std::chrono::nanoseconds timeout) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
  return "timeout after " + std::to_string(ms.count()) + "ms";
}

}  // namespace

Prober::Engine::Engine(Options o) : options(o) {
  std::random_device rd;
  cookie = (static_cast<std::uint64_t>(rd()) << 32) | rd();
  int fds[2];
  if (pipe(fds) == 0) {
    wake_read = fds[0];
    wake_write = fds[1];
    for (int fd : fds) {
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
      fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    (void)poller.Add(wake_read, EventPoller::kReadable);
  }
}

Prober::Engine::~Engine() {
  for (auto& [id, p] : pending) {
    if (p.tcp_fd >= 0) CloseTcpProbe(p.tcp_fd);
  }
  if (wake_read >= 0) close(wake_read);
  if (wake_write >= 0) close(wake_write);
}

void Prober::Engine::Wake() {
  const char b = 1;
  (void)!write(wake_write, &b, 1);
}

void Prober::Engine::Run() {
  for (;;) {
    std::deque<Request> batch;
    {
      std::lock_guard lock(mutex);
      if (stopping) break;
      batch.swap(queue);
    }
    for (auto& r : batch) Start(std::move(r));
    ExpireDue();
    auto wait = std::chrono::milliseconds(-1);
    if (!deadlines.empty()) {
      const auto left = deadlines.top().first - Steady::now();
      wait = std::max(std::chrono::milliseconds(0),
                      std::chrono::ceil<std::chrono::milliseconds>(left));
    }
    for (const auto& ev : poller.Wait(wait)) Handle(ev);
  }
  std::vector<Callback> abandoned;
  for (auto& [id, p] : pending) abandoned.push_back(std::move(p.done));
  std::deque<Request> queued;
  {
    std::lock_guard lock(mutex);
    queued.swap(queue);
  }
  for (auto& r : queued) abandoned.push_back(std::move(r.done));
  for (auto& cb : abandoned) cb({ProbeResult::kError, {}, "prober stopped"});
}

void Prober::Engine::Complete(std::uint64_t id, const ProbeOutcome& outcome) {
  auto it = pending.find(id);
  if (it == pending.end()) return;
  Pending p = std::move(it->second);
  pending.erase(it);
  if (p.icmp_fd >= 0) {
    auto ep = icmp_by_fd.find(p.icmp_fd);
    if (ep != icmp_by_fd.end()) ep->second->matcher.Remove(p.sequence);
  }
  if (p.tcp_fd >= 0) {
    poller.Remove(p.tcp_fd);
    tcp_by_fd.erase(p.tcp_fd);
    CloseTcpProbe(p.tcp_fd);
  }
  p.done(outcome);
}

void Prober::Engine::Start(Request r) {
  const std::uint64_t id = next_id++;
  Pending p;
  p.done = std::move(r.done);
  p.timeout = r.timeout;
  const auto deadline = Steady::now() + r.timeout;
  const bool waiting =
      r.spec.tcp_port == 0 ? StartIcmp(r, id, p) : StartTcp(r, id, p);
  if (!waiting) return;
  pending.emplace(id, std::move(p));
  deadlines.push({deadline, id});
}

bool Prober::Engine::StartTcp(const Request& r, std::uint64_t id, Pending& p) {
  sockaddr_in6 to = r.spec.target;
  to.sin6_port = htons(static_cast<std::uint16_t>(r.spec.tcp_port));
  p.sent_steady = Steady::now();
  auto start = StartTcpConnect(to, r.spec.source, r.spec.interface,
                               options.interface_binding);
  if (!start) {
    p.done({ProbeResult::kError, {}, start.error().message});
    return false;
  }
  ++sent_count;
  if (start->done) {
    const auto rtt = Steady::now() - p.sent_steady;
    CloseTcpProbe(start->fd);
    p.done(start->error.empty()
               ? ProbeOutcome{ProbeResult::kSuccess, rtt, ""}
               : ProbeOutcome{ProbeResult::kFailure, {}, start->error});
    return false;
  }
  p.tcp_fd = start->fd;
  (void)poller.Add(p.tcp_fd, EventPoller::kWritable);
  tcp_by_fd[p.tcp_fd] = id;
  return true;
}

void Prober::Engine::ExpireDue() {
  const auto now = Steady::now();
  while (!deadlines.empty() && deadlines.top().first <= now) {
    const std::uint64_t id = deadlines.top().second;
    deadlines.pop();
    auto it = pending.find(id);
    if (it == pending.end()) continue;  // answered earlier
    Complete(id,
             {ProbeResult::kFailure, {}, TimeoutReason(it->second.timeout)});
  }
}

void Prober::Engine::Handle(const EventPoller::Event& ev) {
  if (ev.fd == wake_read) {
    char buf[256];
    while (read(wake_read, buf, sizeof buf) > 0) {
    }
    return;
  }
  if (auto t = tcp_by_fd.find(ev.fd); t != tcp_by_fd.end()) {
    const std::uint64_t id = t->second;
    const std::string error = FinishTcpConnect(ev.fd);
    const auto rtt = Steady::now() - pending.at(id).sent_steady;
    Complete(id, error.empty()
                     ? ProbeOutcome{ProbeResult::kSuccess, rtt, ""}
                     : ProbeOutcome{ProbeResult::kFailure, {}, error});
    return;
  }
  if (auto e = icmp_by_fd.find(ev.fd); e != icmp_by_fd.end()) {
    ReceiveIcmp(*e->second);
  }
}

Prober::Prober() : Prober(Options{}) {}

Prober::Prober(Options options) : engine_(std::make_shared<Engine>(options)) {}

Prober::~Prober() {
  {
    std::lock_guard lock(engine_->mutex);
    engine_->stopping = true;
  }
  engine_->Wake();
  if (engine_->thread.joinable()) engine_->thread.join();
  // Never started: complete what was queued anyway.
  std::deque<Engine::Request> queued;
  {
    std::lock_guard lock(engine_->mutex);
    queued.swap(engine_->queue);
  }
  for (auto& r : queued) r.done({ProbeResult::kError, {}, "prober stopped"});
}

void Prober::EnsureStarted() {
  std::call_once(engine_->started, [this] {
    engine_->thread = std::thread([e = engine_.get()] { e->Run(); });
  });
}

void Prober::Submit(const ProbeSpec& spec, std::chrono::nanoseconds timeout,
                    Callback done) {
  bool was_empty = false;
  {
    std::lock_guard lock(engine_->mutex);
    if (engine_->stopping) {
      done({ProbeResult::kError, {}, "prober stopped"});
      return;
    }
    was_empty = engine_->queue.empty();
    engine_->queue.push_back({spec, timeout, std::move(done)});
  }
  EnsureStarted();
  // One wake-up per batch: the engine drains the whole queue when it wakes.
  if (was_empty) engine_->Wake();
}

std::vector<ProbeOutcome> Prober::ProbeAll(const std::vector<ProbeSpec>& specs,
                                           std::chrono::nanoseconds timeout) {
  struct Latch {
    std::mutex mutex;
    std::condition_variable cv;
    std::size_t left;
    std::vector<ProbeOutcome> outcomes;
  };
  auto latch = std::make_shared<Latch>();
  latch->left = specs.size();
  latch->outcomes.resize(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    Submit(specs[i], timeout, [latch, i](const ProbeOutcome& o) {
      std::lock_guard lock(latch->mutex);
      latch->outcomes[i] = o;
      if (--latch->left == 0) latch->cv.notify_all();
    });
  }
  std::unique_lock lock(latch->mutex);
  // The engine completes every probe at its deadline; the slack only guards
  // against a wedged engine.
  latch->cv.wait_for(lock, timeout + std::chrono::seconds(1),
                     [&] { return latch->left == 0; });
  for (auto& o : latch->outcomes) {
    if (o.result == ProbeResult::kError && o.reason.empty())
      o.reason = "prober did not answer";
  }
  return latch->outcomes;
}

ProberCounters Prober::Counters() const {
  return {engine_->sent_count.load(), engine_->matched.load(),
          engine_->ignored.load()};
}

Expected<sockaddr_in6> ParseIpv6Address(const std::string& text) {
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  std::string host = text;
  std::string zone;
  if (auto pct = text.find('%'); pct != std::string::npos) {
    host = text.substr(0, pct);
    zone = text.substr(pct + 1);
  }
  if (inet_pton(AF_INET6, host.c_str(), &a.sin6_addr) != 1) {
    return Error{"\"" + text + "\" is not an IPv6 address"};
  }
  if (!zone.empty()) {
    a.sin6_scope_id = if_nametoindex(zone.c_str());
    if (a.sin6_scope_id == 0)
      return Error{"no interface \"" + zone + "\" for " + text};
  }
  return a;
}

std::string FormatIpv6Address(const in6_addr& address) {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &address, buf, sizeof buf);
  return buf;
}

}  // namespace ipv6ha
