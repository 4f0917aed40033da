#pragma once

// The node's status (GET /api/v1/status, `check --json`, the status file)
// built from what the daemon holds: the check records, the role, the
// controller's report and the peer view. The document itself, its JSON
// shape and how peers read it back are the peer protocol's
// (exporter/peer/peer_status.h); this file only fills it in.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "checks/peer_view.h"
#include "exporter/peer/peer_status.h"
#include "exporter/store/result_store.h"

namespace ipv6ha {

struct StatusInputs {
  std::string node;
  std::string version;
  Role role = Role::kUnknown;
  nlohmann::json role_detail = nlohmann::json::object();
  std::vector<CheckRecord> checks;
  bool ready = false;
  std::optional<StatusController> controller;
  std::optional<PeerSnapshot> peer;
  std::chrono::system_clock::time_point now;
};

StatusCheck CheckRecordToStatus(const CheckRecord& record,
                                std::chrono::system_clock::time_point now);
NodeStatus BuildNodeStatus(const StatusInputs& in);
// WriteStatusDocument(BuildNodeStatus(in)).
nlohmann::json BuildStatusDocument(const StatusInputs& in);

}  // namespace ipv6ha
