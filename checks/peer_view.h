#pragma once

// What this node knows of its HA peer: the latest reply of the peer's
// GET /api/v1/status, as fetched by the peer_reachability check. The peer
// check writes it; other checks (state_sync) and the demotion controller
// read it. Thread safe.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "exporter/peer/peer_status.h"

namespace ipv6ha {

struct PeerSnapshot {
  // The peer's address as configured (peer.address, else the host of
  // peer.api): how reasons name a peer that has no name.
  std::string address;
  bool reachable = false;  // the peer answered a probe (ICMPv6/TCP)
  bool api_ok = false;     // its /api/v1/status parsed as a status document
  // The latest good document, typed. On a failed fetch it is the last good
  // one (api_ok false), so its age stays visible; empty until one arrived.
  std::optional<NodeStatus> status;
  std::string error;  // why not, in a sentence
  // When the run that fetched `status` started (RunContext::steady_now;
  // meaningless while `status` is empty).
  std::chrono::steady_clock::time_point fetched_at{};
  std::chrono::nanoseconds rtt{0};  // probe round trip when reachable
  // When this snapshot's run started (RunContext::steady_now).
  std::chrono::steady_clock::time_point updated_at{};
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
