#pragma once

// The status_document fuzz target's input format, shared with the unit test
// that replays its regressions: fields separated by NUL bytes, used in this
// order as the node name, a check's name, its summary, a details string (a
// pds interface), a details key and program output, the role detail
// (ifconfig output), the controller's reason, the peer's node and role, and
// the peer's error. Missing fields are empty.

#include <string>
#include <string_view>
#include <vector>

#include "exporter/status_document.h"

namespace ipv6ha::fuzz {

inline StatusInputs StatusInputsFromFuzzInput(std::string_view in) {
  constexpr std::size_t kFields = 9;
  std::vector<std::string> f;
  while (f.size() + 1 < kFields) {
    const std::size_t nul = in.find('\0');
    if (nul == std::string_view::npos) break;
    f.emplace_back(in.substr(0, nul));
    in.remove_prefix(nul + 1);
  }
  f.emplace_back(in);
  f.resize(kFields);

  StatusInputs s;
  s.node = f[0];
  s.version = "fuzz";
  s.role = Role::kMaster;
  s.role_detail = {{"detail", f[5]}, {"error", f[5]}};
  StatusController controller;
  controller.reason = f[6];
  s.controller = controller;
  CheckRecord record;
  record.settings.name = f[1];
  record.settings.type = "command";
  CheckResult result = CheckResult::Unknown(f[2]);
  result.details = {
      {"interface", f[3]}, {f[4], {{"output", f[4]}}}, {"list", {f[3], f[4]}}};
  record.result = result;
  record.runs = 1;
  s.checks.push_back(record);
  PeerSnapshot peer;
  peer.reachable = true;
  peer.api_ok = true;
  NodeStatus status;
  status.node = f[7];
  status.ready = true;
  status.checks.push_back({});
  status.checks.back().name = f[7];
  status.checks.back().summary = f[8];
  peer.status = status;
  peer.error = f[8];
  s.peer = peer;
  return s;
}

}  // namespace ipv6ha::fuzz
