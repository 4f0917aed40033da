#pragma once

// Runs the daemon's configuration reloads (SIGHUP) on a thread of its own,
// so that the signal loop never waits for one: SIGTERM is served while a
// reload reads files, resolves the peer's name or stops the old checks.
// Requests made while a reload runs coalesce into one more run after it.
//
// Thread safety: Request() and Stop() may be called from any thread.

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

namespace ipv6ha {

class ReloadWorker {
 public:
  explicit ReloadWorker(std::function<void()> reload);
  // Stop(0) if not stopped yet.
  ~ReloadWorker();
  ReloadWorker(const ReloadWorker&) = delete;
  ReloadWorker& operator=(const ReloadWorker&) = delete;

  void Request();
  // Takes no more requests and waits up to `grace` for a running reload to
  // end. True when none runs any more; false when one is still under way
  // (stuck in a system call, say): its thread is then detached, and the
  // caller ends the process without destroying what the reload uses
  // (Daemon::Run calls _Exit after its shutdown).
  bool Stop(std::chrono::milliseconds grace);

 private:
  struct State;
  std::shared_ptr<State> state_;
  std::thread thread_;
};

}  // namespace ipv6ha
