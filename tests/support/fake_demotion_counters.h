#pragma once

// Test doubles for net.inet.carp.demotion: an additive counter that other
// "contributors" (kernel, pfsync, OPNsense's 2^20 flag) may change at the
// same time. Header-only so unit tests can use them without test_support.

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exporter/demotion/demotion_sink.h"

namespace ipv6ha::testing {

// In memory; thread safe. Shared state so a test keeps a handle while the
// sink owns the counter.
class MemoryDemotionCounter : public DemotionCounter {
 public:
  struct State {
    std::mutex mutex;
    std::int64_t value = 0;
    std::vector<std::int64_t> deltas;  // every Add, in order
    std::string epoch = "boot-1";
    bool fail_writes = false;
  };
  explicit MemoryDemotionCounter(std::shared_ptr<State> state)
      : s_(std::move(state)) {}
  Expected<std::int64_t> Read() override {
    std::lock_guard lock(s_->mutex);
    return s_->value;
  }
  Status Add(std::int64_t delta) override {
    std::lock_guard lock(s_->mutex);
    if (s_->fail_writes) return Error{"fake counter refuses writes"};
    s_->value += delta;
    s_->deltas.push_back(delta);
    return OkStatus();
  }
  Expected<std::string> Epoch() override {
    std::lock_guard lock(s_->mutex);
    return s_->epoch;
  }

 private:
  std::shared_ptr<State> s_;
};

// A decimal number in a file, changed under flock(2) so several processes
// can add to it; survives kill -9 of any of them (each Add is one
// read-modify-write under the lock, completed by the kernel's page cache).
class FileDemotionCounter : public DemotionCounter {
 public:
  explicit FileDemotionCounter(std::string path) : path_(std::move(path)) {}
  Expected<std::int64_t> Read() override { return Modify(0); }
  Status Add(std::int64_t delta) override {
    auto v = Modify(delta);
    if (!v) return v.error();
    return OkStatus();
  }
  Expected<std::string> Epoch() override { return std::string("file-counter"); }

 private:
  Expected<std::int64_t> Modify(std::int64_t delta) {
    int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return Error{"open " + path_ + ": " + std::strerror(errno)};
    ::flock(fd, LOCK_EX);
    char buf[64] = {};
    ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
    std::int64_t value = n > 0 ? std::strtoll(buf, nullptr, 10) : 0;
    if (delta != 0) {
      value += delta;
      std::string text = std::to_string(value) + "\n";
      text.resize(32, ' ');  // fixed width: one pwrite replaces it whole
      if (::pwrite(fd, text.data(), text.size(), 0) !=
          static_cast<ssize_t>(text.size())) {
        ::close(fd);
        return Error{"write " + path_};
      }
    }
    ::flock(fd, LOCK_UN);
    ::close(fd);
    return value;
  }
  std::string path_;
};

}  // namespace ipv6ha::testing
