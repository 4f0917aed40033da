#include "exporter/status_document.h"

#include <ctime>

namespace ipv6ha {
namespace {

std::string Escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string DumpStatusDocument(const nlohmann::json& doc) {
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
         "\n";
}

std::string FormatUtc(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json CheckRecordToJson(const CheckRecord& r,
                                 std::chrono::system_clock::time_point now) {
  nlohmann::json j;
  j["name"] = r.settings.name;
  j["type"] = r.settings.type;
  j["status"] = std::string(StatusName(r.status()));
  j["summary"] = r.result ? r.result->summary : "waiting for the first run";
  j["scope"] = std::string(ScopeName(r.settings.scope));
  j["weight"] = r.settings.weight;
  j["applicable"] = r.applicable;
  j["timed_out"] = r.timed_out;
  j["interval_seconds"] = r.settings.interval.count() / 1000.0;
  j["runs"] = r.runs;
  if (r.runs > 0) {
    j["last_run"] = FormatUtc(r.last_run_end);
    j["age_seconds"] =
        std::chrono::duration<double>(now - r.last_run_end).count();
    j["duration_seconds"] =
        std::chrono::duration<double>(r.last_duration).count();
  }
  j["details"] = r.result ? r.result->details : nlohmann::json::object();
  return j;
}

nlohmann::json BuildStatusDocument(const StatusInputs& in) {
  nlohmann::json doc;
  doc["node"] = in.node;
  doc["version"] = in.version;
  doc["time"] = FormatUtc(in.now);
  doc["role"] = std::string(RoleName(in.role));
  doc["role_detail"] = in.role_detail;
  doc["ready"] = in.ready;
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& r : in.checks)
    checks.push_back(CheckRecordToJson(r, in.now));
  doc["checks"] = std::move(checks);
  doc["controller"] = in.controller;
  if (in.peer) {
    nlohmann::json p;
    p["reachable"] = in.peer->reachable;
    p["api_ok"] = in.peer->api_ok;
    if (!in.peer->error.empty()) p["error"] = in.peer->error;
    if (in.peer->api_ok) {
      p["node"] = in.peer->status.value("node", "");
      p["role"] = in.peer->status.value("role", "unknown");
      p["ready"] = in.peer->status.value("ready", false);
    }
    doc["peer"] = std::move(p);
  }
  return doc;
}

std::string RenderLandingPage(const StatusInputs& in) {
  std::string rows;
  for (const auto& r : in.checks) {
    const std::string status(StatusName(r.status()));
    rows += "<tr class=\"" + status + "\"><td>" + Escape(r.settings.name) +
            "</td><td>" + status + (r.applicable ? "" : " (not applicable)") +
            "</td><td>" + std::string(ScopeName(r.settings.scope)) +
            "</td><td>" + std::to_string(r.settings.weight) + "</td><td>" +
            Escape(r.result ? r.result->summary : "waiting for the first run") +
            "</td></tr>\n";
  }
  std::string controller;
  if (in.controller.contains("reason")) {
    controller =
        "<p>Demotion: " + Escape(in.controller["reason"].get<std::string>()) +
        "</p>\n";
  }
  return R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>IPv6 HA Exporter</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
tr.ok td:nth-child(2){color:#080}tr.fail td:nth-child(2){color:#c00}
tr.unknown td:nth-child(2){color:#a60}</style></head>
<body><h1>IPv6 HA Exporter</h1>
<p>Version )" +
         Escape(in.version) + " &middot; node <b>" + Escape(in.node) +
         "</b> &middot; role <b>" + std::string(RoleName(in.role)) +
         "</b> &middot; " + (in.ready ? "ready" : "not ready") + R"(</p>
)" + controller +
         R"(<h2>Checks</h2>
<table><tr><th>check</th><th>status</th><th>scope</th><th>weight</th><th>summary</th></tr>
)" + rows +
         R"(</table>
<h2>Endpoints</h2>
<ul><li><a href="metrics">/metrics</a></li>
<li><a href="api/v1/status">/api/v1/status</a></li>
<li><a href="-/healthy">/-/healthy</a></li>
<li><a href="-/ready">/-/ready</a></li></ul>
</body></html>
)";
}

}  // namespace ipv6ha
