#include "exporter/status_file_writer.h"

#include <spdlog/spdlog.h>

#include "exporter/platform/atomic_file.h"
#include "exporter/platform/file_presence.h"
#include "exporter/status_document.h"

namespace ipv6ha {

StatusFileWriter::StatusFileWriter(std::string path, Build build,
                                   std::chrono::milliseconds min_interval,
                                   std::chrono::milliseconds heartbeat,
                                   const Clock& clock)
    : path_(std::move(path)),
      build_(std::move(build)),
      min_interval_(min_interval),
      heartbeat_(std::max(heartbeat, min_interval)),
      clock_(clock) {}

StatusFileWriter::~StatusFileWriter() { Stop(); }

void StatusFileWriter::WriteNow() {
  std::lock_guard write_lock(write_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (stop_) return;  // a stopped writer has removed its file for good
  }
  WriteOnce();
}

void StatusFileWriter::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stop_) return;
  thread_ = std::thread([this] { Loop(); });
}

void StatusFileWriter::Notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  cv_.notify_all();
}

void StatusFileWriter::Stop() {
  std::thread thread;
  {
    std::lock_guard lock(mutex_);
    if (stop_) return;
    stop_ = true;
    thread = std::move(thread_);
  }
  cv_.notify_all();
  if (thread.joinable()) thread.join();
  std::lock_guard write_lock(write_mutex_);  // no WriteNow() after this
  // A reader that finds no file falls back to asking the HTTP API, which a
  // stopped daemon does not answer either: both say "not running".
  if (auto removed = RemoveFileIfPresent(path_); !removed) {
    spdlog::warn("cannot remove the status file {}", removed.error().message);
  }
}

std::uint64_t StatusFileWriter::writes() const {
  std::lock_guard lock(mutex_);
  return writes_;
}

std::uint64_t StatusFileWriter::write_errors() const {
  std::lock_guard lock(mutex_);
  return write_errors_;
}

void StatusFileWriter::Loop() {
  using Clock = std::chrono::steady_clock;
  std::unique_lock lock(mutex_);
  while (!stop_) {
    notified_ = false;
    lock.unlock();
    {
      std::lock_guard write_lock(write_mutex_);
      WriteOnce();
    }
    lock.lock();
    const auto written = Clock::now();
    // Rate limit first: nothing, not even a notification, writes sooner.
    if (cv_.wait_until(lock, written + min_interval_,
                       [this] { return stop_; })) {
      break;
    }
    cv_.wait_until(lock, written + heartbeat_,
                   [this] { return stop_ || notified_; });
  }
}

void StatusFileWriter::WriteOnce() {
  nlohmann::json doc;
  try {
    doc = build_();
  } catch (const std::exception& e) {
    doc = nlohmann::json::object();
    spdlog::warn("building the status document failed: {}", e.what());
  }
  const auto now = clock_.WallNow();
  doc["written_at"] = FormatUtc(now);
  doc["written_at_unix"] =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch())
          .count();
  const Status st = WriteFileAtomically(path_, DumpStatusDocument(doc), 0644,
                                        Durability::kVolatile);
  std::lock_guard lock(mutex_);
  if (!st.ok()) {
    ++write_errors_;
    if (last_error_ != st.error().message) {
      spdlog::error("cannot write the status file: {}", st.error().message);
    }
    last_error_ = st.error().message;
    return;
  }
  if (!last_error_.empty()) spdlog::info("status file {} written again", path_);
  last_error_.clear();
  ++writes_;
}

}  // namespace ipv6ha
