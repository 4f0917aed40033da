#include "exporter/http/landing_page.h"

#include <cmath>
#include <cstdio>
#include <map>

#include "exporter/base/duration.h"

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

std::string Int(double n) {
  return std::isfinite(n) ? std::to_string(std::llround(n)) : "?";
}

std::string Seconds(double s) {
  return FormatDuration(
      Duration(static_cast<long long>(std::max(0.0, s)) * 1000));
}

std::string Cell(const std::string& html, const std::string& cls = "") {
  return (cls.empty() ? "<td>" : "<td class=\"" + cls + "\">") + html + "</td>";
}

std::string Contribution(const NodeStatus& s) {
  if (!s.controller) return "unknown";
  const StatusController& c = *s.controller;
  std::string out = "desired " + Int(c.desired) + ", applied " +
                    (c.applied ? Int(*c.applied) : std::string("unknown"));
  if (c.dry_run || !c.enabled) out += " (dry run)";
  return Escape(out);
}

// One column of the pair table per node.
struct Side {
  std::string title;
  const NodeStatus* status = nullptr;  // null: nothing heard from it
  std::string note;                    // reachability, age of the data
};

std::string PairTable(const Side& a, const Side& b) {
  auto row = [&](const char* label, auto cell) {
    return "<tr><th>" + std::string(label) + "</th>" + cell(a) + cell(b) +
           "</tr>\n";
  };
  auto field = [](auto get) {
    return [get](const Side& s) {
      return Cell(s.status ? get(*s.status) : std::string("&ndash;"));
    };
  };
  std::string t = "<table class=\"pair\">\n<tr><th></th><th>" +
                  Escape(a.title) + "</th><th>" + Escape(b.title) +
                  "</th></tr>\n";
  t += row("node", field([](const NodeStatus& s) { return Escape(s.node); }));
  t += row("role", field([](const NodeStatus& s) {
             return "<b>" + std::string(RoleName(s.role)) + "</b>";
           }));
  t += row("ready", field([](const NodeStatus& s) {
             return std::string(s.ready ? "ready" : "not ready");
           }));
  t += row("contribution", field(Contribution));
  t += row("decision", field([](const NodeStatus& s) {
             return s.controller ? Escape(s.controller->reason) : "";
           }));
  t += row("status time", field([](const NodeStatus& s) {
             return Escape(s.time) + " (" + Escape(s.version) + ")";
           }));
  t += row("link", [](const Side& s) { return Cell(Escape(s.note)); });
  return t + "</table>\n";
}

std::string CheckCell(const StatusCheck* c) {
  if (c == nullptr) return Cell("&ndash;");
  const std::string status(StatusName(c->status));
  std::string html = "<b>" + status + "</b>";
  if (!c->applicable) html += " (not applicable)";
  html +=
      " &middot; " + std::string(ScopeName(c->scope.value_or(Scope::kLocal)));
  html += ", weight " + (c->weight ? Int(*c->weight) : std::string("?"));
  html += "<br>" + Escape(c->summary);
  return Cell(html, status);
}

// Every check either side reports, ours first in our order.
std::string ChecksTable(const Side& a, const Side& b) {
  std::vector<std::string> names;
  std::map<std::string, bool> seen;
  for (const Side* side : {&a, &b}) {
    if (!side->status) continue;
    for (const auto& c : side->status->checks) {
      if (!seen[c.name]) names.push_back(c.name);
      seen[c.name] = true;
    }
  }
  std::string t = "<table class=\"checks\">\n<tr><th>check</th><th>" +
                  Escape(a.title) + "</th><th>" + Escape(b.title) +
                  "</th></tr>\n";
  for (const auto& name : names) {
    t += "<tr><td>" + Escape(name) + "</td>";
    for (const Side* side : {&a, &b})
      t += CheckCell(side->status ? side->status->FindCheck(name) : nullptr);
    t += "</tr>\n";
  }
  return t + "</table>\n";
}

std::string LeaseRows(const Side& side) {
  std::string rows;
  if (!side.status || !side.status->controller) return rows;
  for (const auto& s : side.status->controller->checks) {
    if (!s.leased) continue;
    std::string state = s.contributing ? "contributing" : "not counted";
    if (!s.suppressed_by.empty()) state += " (" + s.suppressed_by + ")";
    rows += "<tr><td>" + Escape(side.title) + "</td><td>" + Escape(s.name) +
            "</td><td>" + Int(s.weight) + "</td><td>" + Escape(s.evidence) +
            "</td><td>" + Seconds(s.lease_remaining_seconds) + " left" +
            (s.held && s.held_for_seconds
                 ? ", held for " + Seconds(*s.held_for_seconds)
                 : std::string()) +
            "</td><td>" + Escape(state) + "</td></tr>\n";
  }
  return rows;
}

std::string LeasesTable(const Side& a, const Side& b) {
  const std::string rows = LeaseRows(a) + LeaseRows(b);
  if (rows.empty()) return "<p class=\"leases\">No share is leased.</p>\n";
  return "<table class=\"leases\">\n<tr><th>node</th><th>check</th>"
         "<th>weight</th><th>evidence</th><th>lease</th><th>share</th></tr>\n" +
         rows + "</table>\n";
}

std::string DecisionsTable(const NodeStatus& self) {
  if (!self.controller || self.controller->decisions.empty())
    return "<p class=\"decisions\">No decision yet.</p>\n";
  std::string t =
      "<table class=\"decisions\">\n<tr><th>time</th><th>contribution</th>"
      "<th>reason</th></tr>\n";
  const auto& log = self.controller->decisions;
  for (auto it = log.rbegin(); it != log.rend(); ++it) {
    t += "<tr><td>" + Escape(it->time) + "</td><td>" + Int(it->desired) +
         "</td><td>" + Escape(it->reason) + "</td></tr>\n";
  }
  return t + "</table>\n";
}

Side PeerSide(const std::optional<PeerSnapshot>& peer, const NodeStatus& self) {
  Side side;
  std::string name;
  if (self.controller && self.controller->peer)
    name = self.controller->peer->name;
  side.title = "peer" + (name.empty() ? std::string() : " " + name);
  if (!peer) {
    side.note = "not heard from yet";
    return side;
  }
  const PeerSnapshot& p = *peer;
  if (p.status) side.status = &*p.status;
  side.note = p.reachable ? "reachable" : "unreachable";
  if (p.reachable && p.rtt.count() > 0) {
    char rtt[32];
    std::snprintf(rtt, sizeof rtt, " (rtt %.2fms)",
                  std::chrono::duration<double, std::milli>(p.rtt).count());
    side.note += rtt;
  }
  side.note += p.api_ok ? ", API ok" : ", API not answering";
  if (!p.error.empty()) side.note += ": " + p.error;
  if (p.status) {
    const double age =
        std::chrono::duration<double>(p.updated_at - p.fetched_at).count();
    side.note += "; its status was " + Seconds(age) + " old at the last run";
  } else {
    side.note += "; no status received since start";
  }
  return side;
}

constexpr char kStyle[] =
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
    "margin-bottom:1em}td,th{border:1px solid #ccc;padding:.3em .6em;"
    "text-align:left;vertical-align:top}td.ok b{color:#080}td.fail b{color:"
    "#c00}td.unknown b{color:#a60}table.pair td,table.checks td{width:40%}";

}  // namespace

std::string RenderLandingPage(const NodeStatus& self,
                              const std::optional<PeerSnapshot>& peer) {
  Side ours{"this node" + (self.node.empty() ? "" : " " + self.node), &self,
            "serving this page"};
  const Side theirs = PeerSide(peer, self);
  return std::string(
             "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             "<meta http-equiv=\"refresh\" content=\"") +
         std::to_string(kLandingPageRefreshSeconds) +
         "\"><title>IPv6 HA Exporter</title>\n<style>" + kStyle +
         "</style></head>\n<body><h1>IPv6 HA Exporter</h1>\n<p>Version " +
         Escape(self.version) + " &middot; node <b>" + Escape(self.node) +
         "</b> &middot; role <b>" + std::string(RoleName(self.role)) +
         "</b> &middot; " + (self.ready ? "ready" : "not ready") +
         " &middot; refreshes every " +
         std::to_string(kLandingPageRefreshSeconds) + "s</p>\n" +
         (self.controller
              ? "<p>Demotion: " + Escape(self.controller->reason) + "</p>\n"
              : std::string()) +
         "<h2>The pair</h2>\n" + PairTable(ours, theirs) + "<h2>Checks</h2>\n" +
         ChecksTable(ours, theirs) + "<h2>Leases</h2>\n" +
         LeasesTable(ours, theirs) + "<h2>Last decisions</h2>\n" +
         DecisionsTable(self) +
         "<h2>Endpoints</h2>\n<ul><li><a href=\"metrics\">/metrics</a></li>\n"
         "<li><a href=\"api/v1/status\">/api/v1/status</a></li>\n"
         "<li><a href=\"-/healthy\">/-/healthy</a></li>\n"
         "<li><a href=\"-/ready\">/-/ready</a></li></ul>\n</body></html>\n";
}

}  // namespace ipv6ha
