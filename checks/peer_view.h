#pragma once

// What this node knows of its HA peer: the latest reply of the peer's
// GET /api/v1/status, as fetched by the peer_reachability check. The peer
// check writes it; other checks (state_sync) and the demotion controller
// read it. Thread safe.

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace ipv6ha {

struct PeerSnapshot {
  bool reachable = false;  // the peer answered a probe (ICMPv6/TCP)
  bool api_ok = false;     // its /api/v1/status parsed as a status document
  nlohmann::json status;   // that document when api_ok
  std::string error;       // why not, in a sentence
  // When `status` was fetched. On a failed fetch `status` keeps the last
  // good document (api_ok false), so its age stays visible; epoch = never.
  std::chrono::steady_clock::time_point fetched_at{};
  std::chrono::nanoseconds rtt{0};  // probe round trip when reachable
  std::chrono::steady_clock::time_point updated_at{};  // this snapshot's run
};

class PeerView {
 public:
  void Update(PeerSnapshot snapshot) {
    std::lock_guard lock(mutex_);
    latest_ = std::move(snapshot);
  }
  std::optional<PeerSnapshot> Latest() const {
    std::lock_guard lock(mutex_);
    return latest_;
  }

 private:
  mutable std::mutex mutex_;
  std::optional<PeerSnapshot> latest_;
};

}  // namespace ipv6ha
