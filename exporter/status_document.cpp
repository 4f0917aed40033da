#include "exporter/status_document.h"

#include <algorithm>

namespace ipv6ha {

StatusCheck CheckRecordToStatus(const CheckRecord& r,
                                std::chrono::system_clock::time_point now) {
  StatusCheck c;
  c.name = r.settings.name;
  c.type = r.settings.type;
  c.status = r.status();
  c.summary = r.result ? r.result->summary : "waiting for the first run";
  c.scope = r.settings.scope;
  c.weight = r.settings.weight;
  c.applicable = r.applicable;
  c.timed_out = r.timed_out;
  c.interval_seconds = r.settings.interval.count() / 1000.0;
  c.runs = static_cast<double>(r.runs);
  if (r.runs > 0) {
    c.last_run = FormatUtc(r.last_run_end);
    // Never negative, as the protocol requires: the run's end is its start
    // plus its duration, and the wall clock may have stepped back since.
    c.age_seconds = std::max(
        0.0, std::chrono::duration<double>(now - r.last_run_end).count());
    c.duration_seconds = std::chrono::duration<double>(r.last_duration).count();
  }
  if (r.result) c.details = r.result->details;
  return c;
}

NodeStatus BuildNodeStatus(const StatusInputs& in) {
  NodeStatus s;
  s.node = in.node;
  s.version = in.version;
  s.time = FormatUtc(in.now);
  s.role = in.role;
  s.role_detail = in.role_detail;
  s.ready = in.ready;
  for (const auto& r : in.checks)
    s.checks.push_back(CheckRecordToStatus(r, in.now));
  s.controller = in.controller;
  if (in.peer) {
    StatusPeerView p;
    p.reachable = in.peer->reachable;
    p.api_ok = in.peer->api_ok;
    p.error = in.peer->error;
    if (in.peer->api_ok && in.peer->status) {
      p.node = in.peer->status->node;
      p.role = in.peer->status->role;
      p.ready = in.peer->status->ready;
    }
    s.peer = std::move(p);
  }
  return s;
}

nlohmann::json BuildStatusDocument(const StatusInputs& in) {
  return WriteStatusDocument(BuildNodeStatus(in));
}

}  // namespace ipv6ha
