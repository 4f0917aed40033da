#pragma once

// The peer protocol: a node's GET /api/v1/status document as one typed
// struct, written by WriteStatusDocument and read back by ParsePeerStatus.
// Everything that reads a peer's status (the demotion controller's
// AssessPeer, the state_sync check, the landing page) reads these fields,
// never raw JSON keys, so the writer and every reader agree by
// construction (tests/unit/peer_protocol_test.cpp: build, parse, assess).
//
// The JSON shape is an outside contract (docs/demotion.md, "The peer
// protocol", lists every member): members may be added, none renamed or
// removed.
//
// Reading is defensive: the peer runs another build, may be half-upgraded
// or misconfigured, and anything on the sync link may answer instead.
//   - at most 64 MiB and 32 levels of nesting, enforced before a tree is
//     built (exporter/text/bounded_json.h);
//   - required: a JSON object with "role" (a RoleName, case-sensitive, so
//     "MASTER" is refused) and "ready" (bool);
//   - every other member listed here is optional and typed when present
//     (null counts as absent): strings are strings, enums one of the names
//     we write, counts and seconds numbers that are not negative; "checks"
//     is an array of objects, each with a "name".
// Members not listed are ignored (a newer peer may add some). A document
// that breaks a rule is an Error "peer sent an invalid status document:
// checks[1] "weight" must not be negative (-5)", never a guess.
// Pure functions, thread safe.

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/base/check_status.h"
#include "exporter/base/expected.h"
#include "exporter/base/role.h"

namespace ipv6ha {

// details.file of a check that watches a file (prefix_freshness: the pds
// file), and details.last_run: what state_sync compares with its copy.
struct StatusFile {
  std::string path;
  std::string sha256;
  std::optional<double> mtime_unix;
  std::optional<double> age_seconds;
  std::string last_run;  // details.last_run (summary.last_run of the file)
};

// One entry of "checks": a check as the node reports it.
struct StatusCheck {
  std::string name;
  std::string type;
  CheckStatus status = CheckStatus::kUnknown;  // "unknown" when absent
  std::string summary;
  std::optional<Scope> scope;    // absent: the peer did not say (local)
  std::optional<double> weight;  // absent: the peer did not say (weighted)
  bool applicable = true;
  bool timed_out = false;
  std::optional<double> interval_seconds;
  std::optional<double> runs;
  std::string last_run;  // UTC, after the first run
  std::optional<double> age_seconds;
  std::optional<double> duration_seconds;
  nlohmann::json details = nlohmann::json::object();  // the check's own
  std::optional<StatusFile> file;                     // typed details.file

  bool Weighted() const { return !weight || *weight > 0; }
  bool Upstream() const { return scope == Scope::kUpstream; }
};

// controller.checks[]: one check's share as the node's controller tracks it.
struct StatusShare {
  std::string name;
  std::optional<Scope> scope;
  double weight = 0;
  bool down = false;
  bool recovering = false;
  bool contributing = false;
  double consecutive_fail = 0;
  double consecutive_ok = 0;
  std::string evidence;  // fail, ok, unknown, not_applicable, restored, none
  bool restored = false;
  bool withdrawn = false;
  std::string suppressed_by;  // a suppression reason, or empty
  // lease: present while the share lives.
  bool leased = false;
  double lease_remaining_seconds = 0;
  bool held = false;
  std::optional<double> held_for_seconds;
};

// controller.decisions[]: one change of the decision, newest last.
struct StatusDecision {
  std::string time;  // UTC
  double desired = 0;
  std::string reason;
};

// controller.peer: what the node's controller concluded of its peer.
struct StatusAssessment {
  std::string name;
  bool ready = false;
  bool better = false;
  bool upstream_ok = false;
  std::string summary;
  std::string better_summary;
  std::string upstream_summary;
};

// "controller": what the node's demotion controller decided.
struct StatusController {
  bool enabled = false;
  bool dry_run = false;
  std::string sink;
  double desired = 0;
  std::optional<double> applied;  // null: it cannot tell (sink refused)
  double max = 0;
  std::string unknown_hold;
  std::string reason;
  std::vector<std::string> suppressed;
  std::vector<StatusShare> checks;
  std::vector<StatusDecision> decisions;
  std::string sink_refused;
  std::optional<StatusAssessment> peer;
  // Written as they are, not read from a peer: role, flap_guard, changes,
  // sink_error, state_file, dropped_results.
  nlohmann::json extra = nlohmann::json::object();
};

// "peer": what the node sees of its own peer.
struct StatusPeerView {
  bool reachable = false;
  bool api_ok = false;
  std::string error;
  std::string node;
  std::optional<Role> role;
  std::optional<bool> ready;
};

struct NodeStatus {
  std::string node;
  std::string version;
  std::string time;  // UTC, "2026-11-27T02:18:31Z"
  Role role = Role::kUnknown;
  nlohmann::json role_detail = nlohmann::json::object();
  bool ready = false;
  std::vector<StatusCheck> checks;
  std::optional<StatusController> controller;
  std::optional<StatusPeerView> peer;

  const StatusCheck* FindCheck(std::string_view name) const;
};

nlohmann::json WriteStatusDocument(const NodeStatus& status);
nlohmann::json WriteControllerStatus(const StatusController& controller);

// The document as text for HTTP, the status file and `check --json`. Never
// throws: text from outside is valid UTF-8 where it enters (files, command
// output, peer replies, config), and should a byte slip through anyway it
// is replaced by U+FFFD here rather than aborting the daemon.
std::string DumpStatusDocument(const nlohmann::json& doc);

// The document's time format: "2026-11-27T02:18:31Z".
std::string FormatUtc(std::chrono::system_clock::time_point t);

// The reply body of a peer's GET /api/v1/status, checked and typed.
Expected<NodeStatus> ParsePeerStatus(std::string_view body);

}  // namespace ipv6ha
