#pragma once

// Keeps the status document (the JSON of GET /api/v1/status) in a local file
// for readers on the node that cannot use the HTTP API: the OPNsense CARP
// service status script, once the API needs TLS or basic auth and the script
// has no credentials to present.
//
// The file is the status document plus "written_at" (UTC, RFC 3339) and
// "written_at_unix" (whole seconds): a reader tells a live daemon from a dead
// one by its age, since a daemon that is killed leaves its last file behind.
// It is rewritten by rename (readers see a whole document, never a part),
// mode 0644, without fsync (runtime state: after a crash it is stale anyway).
//
// A thread writes at start, then at least every `heartbeat` and after each
// Notify(), but never twice within `min_interval`. Stop() (and the
// destructor) ends the thread and removes the file. Notify() is thread safe
// and never blocks on a write; `build` runs on the writer's thread.
// `clock` (it must outlive the writer) gives written_at.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "exporter/platform/clock.h"

namespace ipv6ha {

class StatusFileWriter {
 public:
  using Build = std::function<nlohmann::json()>;

  StatusFileWriter(
      std::string path, Build build,
      std::chrono::milliseconds min_interval = std::chrono::seconds(1),
      std::chrono::milliseconds heartbeat = std::chrono::seconds(1),
      const Clock& clock = SystemClock());
  ~StatusFileWriter();  // Stop()
  StatusFileWriter(const StatusFileWriter&) = delete;
  StatusFileWriter& operator=(const StatusFileWriter&) = delete;

  void Start();
  // Writes the file now, on the caller's thread (outside the rate limit):
  // when it returns, readers see the current document. Thread safe; does
  // nothing after Stop().
  void WriteNow();
  // Something changed (a result, the role): write soon.
  void Notify();
  // Ends the thread and removes the file. Idempotent.
  void Stop();

  const std::string& path() const { return path_; }
  std::uint64_t writes() const;
  std::uint64_t write_errors() const;

 private:
  void Loop();
  void WriteOnce();

  const std::string path_;
  const Build build_;
  const std::chrono::milliseconds min_interval_;
  const std::chrono::milliseconds heartbeat_;
  const Clock& clock_;  // stamps written_at; the waits use steady_clock

  // One WriteOnce at a time (the thread, WriteNow); Stop() removes the file
  // under it, so no WriteNow() writes it back.
  std::mutex write_mutex_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool notified_ = false;
  std::uint64_t writes_ = 0;
  std::uint64_t write_errors_ = 0;
  std::string last_error_;  // written by the thread only; logged on change
  std::thread thread_;
};

}  // namespace ipv6ha
