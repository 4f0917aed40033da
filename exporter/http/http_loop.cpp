#include "exporter/http/http_loop.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
// Linux and FreeBSD both have it; the FreeBSD compile check's sysroot holds
// only the headers it was given, so the option is set where the header is.
#if __has_include(<netinet/tcp.h>)
#include <netinet/tcp.h>
#endif
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "exporter/http/http_worker_pool.h"
#include "exporter/platform/event_poller.h"
#include "exporter/platform/thread_priority.h"
#include "exporter/platform/wake_pipe.h"

namespace ipv6ha {
namespace {

using Clock = HttpConnection::Clock;
using State = HttpConnection::State;
using Io = HttpConnection::Io;

constexpr std::chrono::milliseconds kSweepEvery{250};
constexpr std::chrono::seconds kDrainTimeout{2};
constexpr std::size_t kScratchBytes = 16 * 1024;

}  // namespace

struct HttpLoop::Impl {
  std::vector<int> listeners;
  HttpLoopOptions options;
  std::shared_ptr<HttpHandler> handler;
  std::mutex tls_mutex;
  TlsServerContextRef tls;

  EventPoller poller;
  std::optional<WakePipe> wake;
  std::atomic<bool> stop{false};
  std::unique_ptr<HttpWorkerPool> workers;
  std::thread thread;

  std::unordered_map<int, std::unique_ptr<HttpConnection>> by_fd;
  std::unordered_map<std::uint64_t, HttpConnection*> by_id;
  std::uint64_t next_id = 1;
  // Connections with a complete request, by the turn they get.
  std::deque<std::uint64_t> fresh, busy;
  std::array<char, kScratchBytes> scratch{};
  Clock::time_point next_sweep;
  Clock::time_point next_busy_turn;

  void Watch(HttpConnection& c, std::uint32_t want) {
    if (c.registered == want) return;
    poller.Modify(c.fd(), want);
    c.registered = want;
  }

  void Close(HttpConnection& c) {
    poller.Remove(c.fd());
    by_id.erase(c.id());
    by_fd.erase(c.fd());  // destroys c
  }

  // How long the next wait may take: not past the next busy turn when
  // requests are queued, else until the next sweep.
  std::chrono::milliseconds WaitTime(Clock::time_point now) const {
    if (!fresh.empty()) return std::chrono::milliseconds(0);
    if (busy.empty()) return kSweepEvery;
    return std::max(
        std::chrono::milliseconds(0),
        std::chrono::ceil<std::chrono::milliseconds>(next_busy_turn - now));
  }

  void Run() {
    LowerThreadPriority(options.nice_steps);
    next_sweep = Clock::now() + kSweepEvery;
    while (!stop.load()) {
      auto events = poller.Wait(WaitTime(Clock::now()));
      const auto now = Clock::now();
      for (const auto& ev : events) OnEvent(ev, now);
      ServeQueue(fresh, fresh.size(), now);
      if (now >= next_busy_turn && !busy.empty()) {
        ServeQueue(busy, kBusyPerTurn, now);
        next_busy_turn = now + kBusyTurnEvery;
      }
      if (now >= next_sweep) {
        Sweep(now);
        next_sweep = now + kSweepEvery;
      }
    }
  }

  void OnEvent(const EventPoller::Event& ev, Clock::time_point now) {
    if (ev.fd == wake->read_fd()) {
      wake->Drain();
      for (auto& done : workers->TakeDone()) {
        auto it = by_id.find(done.connection);
        if (it != by_id.end()) StartWrite(*it->second, done.response, now);
      }
      return;
    }
    if (std::find(listeners.begin(), listeners.end(), ev.fd) !=
        listeners.end()) {
      Accept(ev.fd, now);
      return;
    }
    auto it = by_fd.find(ev.fd);
    if (it == by_fd.end()) return;
    Advance(*it->second, now);
  }

  void Accept(int listener, Clock::time_point now) {
    for (std::size_t i = 0; i < kAcceptsPerTurn; ++i) {
      const int fd = accept(listener, nullptr, nullptr);
      if (fd < 0 && (errno == EMFILE || errno == ENFILE)) {
        // Out of descriptors: the idlest connection makes room, else the
        // pending one waits in the backlog for a later turn.
        if (!EvictIdlest()) return;
        continue;
      }
      if (fd < 0) return;  // EAGAIN, or an aborted connection
      UniqueFd owned(fd);
      if (fcntl(fd, F_SETFL, O_NONBLOCK) != 0 ||
          fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
        continue;
      }
#ifdef TCP_NODELAY
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
#endif
      if (by_fd.size() >= options.max_connections && !EvictIdlest()) {
        continue;  // every connection is mid-request: this one waits no turn
      }
      SSL* ssl = nullptr;
      {
        std::lock_guard lock(tls_mutex);
        if (tls.ctx) {
          ssl = SSL_new(tls.ctx.get());
          if (ssl == nullptr || SSL_set_fd(ssl, fd) != 1) {
            if (ssl) SSL_free(ssl);
            continue;
          }
          SSL_set_accept_state(ssl);
        }
      }
      auto conn = std::make_unique<HttpConnection>(std::move(owned), ssl,
                                                   next_id++, now);
      conn->deadline = now + options.head_timeout;
      if (!poller.Add(conn->fd(), EventPoller::kReadable)) continue;
      conn->registered = HttpConnection::kRead;
      by_id[conn->id()] = conn.get();
      by_fd[conn->fd()] = std::move(conn);
    }
  }

  // Makes room for one more connection: the one idle longest goes. False
  // when none is idle.
  bool EvictIdlest() {
    HttpConnection* idlest = nullptr;
    for (auto& [fd, c] : by_fd) {
      if (c->state != State::kReading && c->state != State::kHandshake) {
        continue;
      }
      if (idlest == nullptr || c->idle_since < idlest->idle_since) {
        idlest = c.get();
      }
    }
    if (idlest == nullptr) return false;
    Close(*idlest);
    return true;
  }

  // Whatever the socket is ready for, in the connection's current state.
  void Advance(HttpConnection& c, Clock::time_point now) {
    switch (c.state) {
      case State::kHandshake:
        Handshake(c, now);
        return;
      case State::kReading:
        Read(c, now);
        return;
      case State::kWriting:
        Write(c, now);
        return;
      case State::kDraining:
        if (c.Drain(scratch.data(), scratch.size()) == Io::kClosed) Close(c);
        return;
      case State::kQueued:
      case State::kDeferred:
        if (c.PeerGone()) Close(c);
        return;
    }
  }

  void Handshake(HttpConnection& c, Clock::time_point now) {
    switch (c.Handshake()) {
      case Io::kClosed:
        Close(c);
        return;
      case Io::kWouldBlock:
        Watch(c, c.want());
        return;
      case Io::kProgress:
        c.state = State::kReading;
        c.set_want(HttpConnection::kRead);
        Read(c, now);  // the request may have come with the handshake
        return;
    }
  }

  void Read(HttpConnection& c, Clock::time_point now) {
    const bool had_bytes = !c.in.empty();
    const Io io = c.Receive(scratch.data(), scratch.size());
    if (io == Io::kClosed) c.peer_closed = true;
    if (io == Io::kWouldBlock) {
      Watch(c, c.want());
      return;
    }
    if (!had_bytes && !c.in.empty() && c.served_one) {
      c.deadline = now + options.head_timeout;  // a new head starts
    }
    Parse(c, now);
  }

  // Queues a complete request, answers a bad one, or waits for more.
  void Parse(HttpConnection& c, Clock::time_point now) {
    if (c.in.empty() && c.peer_closed) {
      Close(c);
      return;
    }
    HttpHeadParse head = ParseHttpHead(c.in);
    if (head.state == HttpHeadParse::State::kIncomplete) {
      if (c.peer_closed) {
        Close(c);
      } else {
        Watch(c, HttpConnection::kRead);
      }
      return;
    }
    if (head.state == HttpHeadParse::State::kBad) {
      c.in.clear();
      StartWrite(c, HttpErrorResponse(head.status, head.reason), now);
      return;
    }
    c.in.erase(0, head.consumed);
    c.request = std::move(head.request);
    c.state = State::kQueued;
    Watch(c, HttpConnection::kNone);
    const bool is_fresh = !c.served_one || now - c.idle_since >= kFreshGap;
    (is_fresh ? fresh : busy).push_back(c.id());
  }

  void ServeQueue(std::deque<std::uint64_t>& queue, std::size_t budget,
                  Clock::time_point now) {
    for (std::size_t n = 0; n < budget && !queue.empty(); ++n) {
      const std::uint64_t id = queue.front();
      queue.pop_front();
      auto it = by_id.find(id);
      if (it == by_id.end()) continue;  // closed meanwhile
      HttpConnection& c = *it->second;
      if (auto response = handler->Answer(c.request)) {
        StartWrite(c, std::move(*response), now);
      } else {
        c.state = State::kDeferred;
        workers->Submit(id, c.request);
      }
    }
  }

  void StartWrite(HttpConnection& c, HttpResponse response,
                  Clock::time_point now) {
    c.close_after = c.close_after || response.close || c.peer_closed ||
                    !c.request.keep_alive || c.request.body_follows;
    if (response.close) c.close_after = true;
    c.response = std::move(response);
    c.sent = 0;
    c.state = State::kWriting;
    c.deadline = now + options.write_timeout;
    Write(c, now);
  }

  void Write(HttpConnection& c, Clock::time_point now) {
    const std::size_t before = c.sent;
    switch (c.SendResponse()) {
      case Io::kClosed:
        Close(c);
        return;
      case Io::kWouldBlock:
        if (c.sent > before) c.deadline = now + options.write_timeout;
        Watch(c, c.want());
        return;
      case Io::kProgress:
        break;
    }
    c.response = {};
    c.request = {};
    c.served_one = true;
    c.idle_since = now;
    if (c.close_after) {
      c.ShutdownWrite();
      c.state = State::kDraining;
      c.deadline = now + kDrainTimeout;
      Watch(c, HttpConnection::kRead);
      return;
    }
    c.state = State::kReading;
    c.deadline =
        now + (c.in.empty() ? options.idle_timeout : options.head_timeout);
    c.set_want(HttpConnection::kRead);
    Parse(c, now);  // a pipelined request may be waiting
  }

  // Closes every connection past its deadline.
  void Sweep(Clock::time_point now) {
    std::vector<HttpConnection*> expired;
    for (auto& [fd, c] : by_fd) {
      if (c->state == State::kQueued || c->state == State::kDeferred) continue;
      if (now >= c->deadline) expired.push_back(c.get());
    }
    for (HttpConnection* c : expired) Close(*c);
  }
};

HttpLoop::HttpLoop(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpLoop::~HttpLoop() {
  impl_->stop = true;
  impl_->wake->Wake();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->workers.reset();  // joins; nothing touches connections after this
  for (auto& [fd, c] : impl_->by_fd) impl_->poller.Remove(fd);
  for (int fd : impl_->listeners) impl_->poller.Remove(fd);
}

void HttpLoop::SetTls(TlsServerContextRef tls) {
  std::lock_guard lock(impl_->tls_mutex);
  impl_->tls = std::move(tls);
}

Expected<std::unique_ptr<HttpLoop>> HttpLoop::Start(
    std::vector<int> listeners, HttpLoopOptions options,
    std::shared_ptr<HttpHandler> handler, TlsServerContextRef tls) {
  auto impl = std::make_unique<Impl>();
  impl->listeners = std::move(listeners);
  impl->options = options;
  impl->handler = std::move(handler);
  impl->tls = std::move(tls);
  auto wake = WakePipe::Create();
  if (!wake) return wake.error();
  impl->wake.emplace(std::move(*wake));
  if (Status st =
          impl->poller.Add(impl->wake->read_fd(), EventPoller::kReadable);
      !st) {
    return st.error();
  }
  for (int fd : impl->listeners) {
    if (Status st = impl->poller.Add(fd, EventPoller::kReadable); !st) {
      return st.error();
    }
  }
  Impl* raw = impl.get();
  impl->workers = std::make_unique<HttpWorkerPool>(
      options.workers, options.nice_steps, impl->handler,
      [raw] { raw->wake->Wake(); });
  impl->thread = std::thread([raw] { raw->Run(); });
  return std::unique_ptr<HttpLoop>(new HttpLoop(std::move(impl)));
}

}  // namespace ipv6ha
