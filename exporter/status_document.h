#pragma once

// The node's status as one JSON document (GET /api/v1/status, `check
// --json`) and as the HTML landing page. Peers read this document, so its
// keys are a contract: node, version, role, ready, checks[], controller.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "checks/peer_view.h"
#include "exporter/result_store.h"

namespace ipv6ha {

struct StatusInputs {
  std::string node;
  std::string version;
  Role role = Role::kUnknown;
  nlohmann::json role_detail = nlohmann::json::object();
  std::vector<CheckRecord> checks;
  bool ready = false;
  nlohmann::json controller = nlohmann::json::object();
  std::optional<PeerSnapshot> peer;
  std::chrono::system_clock::time_point now;
};

// The document as text for HTTP, the status file and `check --json`. Never
// throws: text from outside is valid UTF-8 where it enters (files, command
// output, peer replies, config), and should a byte slip through anyway it
// is replaced by U+FFFD here rather than aborting the daemon.
std::string DumpStatusDocument(const nlohmann::json& doc);

nlohmann::json CheckRecordToJson(const CheckRecord& record,
                                 std::chrono::system_clock::time_point now);
nlohmann::json BuildStatusDocument(const StatusInputs& in);
std::string RenderLandingPage(const StatusInputs& in);

// "2026-11-27T02:18:31Z"
std::string FormatUtc(std::chrono::system_clock::time_point t);

}  // namespace ipv6ha
