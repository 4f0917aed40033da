#include "exporter/peer/peer_status.h"

#include <cmath>
#include <ctime>

#include "exporter/base/name_table.h"
#include "exporter/text/bounded_json.h"
#include "exporter/text/join.h"
#include "exporter/text/utf8.h"

namespace ipv6ha {
namespace {

using nlohmann::json;

constexpr char kInvalid[] = "peer sent an invalid status document: ";

// Replies nest 5 levels deep (document, checks, check, details, a detail's
// list); the limit leaves room for growth and none for a stack overflow.
constexpr JsonLimits kLimits{std::size_t{64} << 20, 32};

// Integral numbers as integers ("100", not "100.0"), as we always wrote them.
json Number(double n) {
  if (std::isfinite(n) && n == std::floor(n) && std::fabs(n) < 9.0e15)
    return static_cast<std::int64_t>(n);
  return n;
}

std::string Article(const char* kind) {
  return kind[0] == 'a' || kind[0] == 'o' ? "an " : "a ";
}

// Reads the members of one object of the document, each typed as the
// writer writes it; the first broken rule is kept as `error` and every
// later read returns its fallback. `at` names the object in errors: "" for
// the document, "checks[2] ", "controller ".
class Reader {
 public:
  Reader(const json& object, std::string at, std::string& error)
      : object_(object), at_(std::move(at)), error_(error) {}

  std::string String(const char* key, bool required = false) {
    const json* v = Member(key, "string", &json::is_string, required);
    return v ? v->get<std::string>() : "";
  }
  std::optional<bool> OptionalBool(const char* key, bool required = false) {
    const json* v = Member(key, "boolean", &json::is_boolean, required);
    return v ? std::optional<bool>(v->get<bool>()) : std::nullopt;
  }
  bool Bool(const char* key, bool fallback) {
    return OptionalBool(key).value_or(fallback);
  }
  // A number that is not negative.
  std::optional<double> Count(const char* key) {
    const json* v = Member(key, "number", &json::is_number, false);
    if (v == nullptr) return std::nullopt;
    const double n = v->get<double>();
    if (!std::isfinite(n) || n < 0) {
      Fail(Where(key) + " must not be negative (" + v->dump() + ")");
      return std::nullopt;
    }
    return n;
  }
  // A value of `names`' enum by its name, exactly as written.
  template <typename E, std::size_t N>
  std::optional<E> Enum(const char* key, const NameTable<E, N>& names,
                        bool required = false) {
    const json* v = Member(key, "string", &json::is_string, required);
    if (v == nullptr) return std::nullopt;
    const std::string text = v->get<std::string>();
    if (auto e = names.Parse(text)) return e;
    std::vector<std::string> choices;
    for (const auto& entry : names.entries())
      choices.push_back(std::string(entry.name));
    Fail(Where(key) + " is \"" + std::string(Utf8Prefix(text, 40)) +
         "\", not one of " + Join(choices, ", "));
    return std::nullopt;
  }
  const json* Object(const char* key) {
    return Member(key, "object", &json::is_object, false);
  }
  const json* Array(const char* key) {
    return Member(key, "array", &json::is_array, false);
  }
  // The objects of array `key`, each with a Reader of its own.
  template <typename F>
  void EachObject(const char* key, F read_one) {
    const json* list = Array(key);
    if (list == nullptr) return;
    for (std::size_t i = 0; i < list->size() && error_.empty(); ++i) {
      const std::string at = at_ + key + "[" + std::to_string(i) + "] ";
      if (!(*list)[i].is_object()) {
        error_ = at + "is not an object (it is " + (*list)[i].type_name() + ")";
        return;
      }
      Reader item((*list)[i], at, error_);
      read_one(item);
    }
  }
  Reader Nested(const json& object, const char* key) {
    return Reader(object, at_ + key + " ", error_);
  }
  bool ok() const { return error_.empty(); }

 private:
  std::string Where(const char* key) const { return at_ + "\"" + key + "\""; }
  void Fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
  }
  const json* Member(const char* key, const char* kind,
                     bool (json::*is)() const noexcept, bool required) {
    if (!error_.empty()) return nullptr;
    auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) {
      if (required) Fail(at_ + "has no " + kind + " \"" + key + "\"");
      return nullptr;
    }
    if (!((*it).*is)()) {
      Fail(Where(key) + " is not " + Article(kind) + kind + " (it is " +
           it->type_name() + ")");
      return nullptr;
    }
    return &*it;
  }

  const json& object_;
  std::string at_;
  std::string& error_;
};

std::optional<StatusFile> ReadFile(Reader& check, const json& details) {
  Reader d = check.Nested(details, "details");
  const json* file = d.Object("file");
  const std::string last_run = d.String("last_run");
  if (file == nullptr) return std::nullopt;
  Reader f = d.Nested(*file, "file");
  StatusFile out;
  out.path = f.String("path");
  out.sha256 = f.String("sha256");
  out.mtime_unix = f.Count("mtime_unix");
  out.age_seconds = f.Count("age_seconds");
  out.last_run = last_run;
  return out;
}

StatusCheck ReadCheck(Reader& r) {
  StatusCheck c;
  c.name = r.String("name", true);
  c.type = r.String("type");
  c.status =
      r.Enum("status", kCheckStatusNames).value_or(CheckStatus::kUnknown);
  c.summary = r.String("summary");
  c.scope = r.Enum("scope", kScopeNames);
  c.weight = r.Count("weight");
  c.applicable = r.Bool("applicable", true);
  c.timed_out = r.Bool("timed_out", false);
  c.interval_seconds = r.Count("interval_seconds");
  c.runs = r.Count("runs");
  c.last_run = r.String("last_run");
  c.age_seconds = r.Count("age_seconds");
  c.duration_seconds = r.Count("duration_seconds");
  if (const json* details = r.Object("details")) {
    c.details = *details;
    c.file = ReadFile(r, *details);
  }
  return c;
}

StatusShare ReadShare(Reader& r) {
  StatusShare s;
  s.name = r.String("name", true);
  s.scope = r.Enum("scope", kScopeNames);
  s.weight = r.Count("weight").value_or(0);
  s.down = r.Bool("down", false);
  s.recovering = r.Bool("recovering", false);
  s.contributing = r.Bool("contributing", false);
  s.consecutive_fail = r.Count("consecutive_fail").value_or(0);
  s.consecutive_ok = r.Count("consecutive_ok").value_or(0);
  s.evidence = r.String("evidence");
  s.restored = r.Bool("restored", false);
  s.withdrawn = r.Bool("withdrawn", false);
  s.suppressed_by = r.String("suppressed_by");
  if (const json* lease = r.Object("lease")) {
    Reader l = r.Nested(*lease, "lease");
    s.leased = true;
    s.lease_remaining_seconds = l.Count("remaining_seconds").value_or(0);
    s.held = l.Bool("held", false);
    s.held_for_seconds = l.Count("held_for_seconds");
  }
  return s;
}

StatusController ReadController(Reader& r) {
  StatusController c;
  c.enabled = r.Bool("enabled", false);
  c.dry_run = r.Bool("dry_run", false);
  c.sink = r.String("sink");
  c.desired = r.Count("desired").value_or(0);
  c.applied = r.Count("applied");
  c.max = r.Count("max").value_or(0);
  c.unknown_hold = r.String("unknown_hold");
  c.reason = r.String("reason");
  c.sink_refused = r.String("sink_refused");
  if (const json* suppressed = r.Array("suppressed")) {
    for (const auto& s : *suppressed)
      if (s.is_string()) c.suppressed.push_back(s.get<std::string>());
  }
  if (const json* peer = r.Object("peer")) {
    Reader p = r.Nested(*peer, "peer");
    c.peer = StatusAssessment{p.String("name"),
                              p.Bool("ready", false),
                              p.Bool("better", false),
                              p.Bool("upstream_ok", false),
                              p.String("summary"),
                              p.String("better_summary"),
                              p.String("upstream_summary")};
  }
  r.EachObject("checks", [&](Reader& s) { c.checks.push_back(ReadShare(s)); });
  r.EachObject("decisions", [&](Reader& d) {
    c.decisions.push_back(
        {d.String("time"), d.Count("desired").value_or(0), d.String("reason")});
  });
  return c;
}

StatusPeerView ReadPeerView(Reader& r) {
  StatusPeerView p;
  p.reachable = r.Bool("reachable", false);
  p.api_ok = r.Bool("api_ok", false);
  p.error = r.String("error");
  p.node = r.String("node");
  p.role = r.Enum("role", kRoleNames);
  p.ready = r.OptionalBool("ready");
  return p;
}

Expected<NodeStatus> Read(const json& doc) {
  if (!doc.is_object()) {
    return Error{std::string(kInvalid) + "it is not a JSON object (it is " +
                 doc.type_name() + ")"};
  }
  std::string error;
  Reader r(doc, "", error);
  NodeStatus s;
  s.node = r.String("node");
  s.version = r.String("version");
  s.time = r.String("time");
  s.role = r.Enum("role", kRoleNames, true).value_or(Role::kUnknown);
  if (const json* detail = r.Object("role_detail")) s.role_detail = *detail;
  s.ready = r.OptionalBool("ready", true).value_or(false);
  r.EachObject("checks", [&](Reader& c) { s.checks.push_back(ReadCheck(c)); });
  if (const json* c = r.Object("controller")) {
    Reader controller = r.Nested(*c, "controller");
    s.controller = ReadController(controller);
  }
  if (const json* p = r.Object("peer")) {
    Reader peer = r.Nested(*p, "peer");
    s.peer = ReadPeerView(peer);
  }
  if (!error.empty()) return Error{kInvalid + error};
  return s;
}

json WriteCheck(const StatusCheck& c) {
  json j;
  j["name"] = c.name;
  j["type"] = c.type;
  j["status"] = std::string(StatusName(c.status));
  j["summary"] = c.summary;
  j["scope"] = std::string(ScopeName(c.scope.value_or(Scope::kLocal)));
  j["weight"] = Number(c.weight.value_or(0));
  j["applicable"] = c.applicable;
  j["timed_out"] = c.timed_out;
  j["interval_seconds"] = c.interval_seconds.value_or(0);
  j["runs"] = Number(c.runs.value_or(0));
  if (!c.last_run.empty()) j["last_run"] = c.last_run;
  if (c.age_seconds) j["age_seconds"] = *c.age_seconds;
  if (c.duration_seconds) j["duration_seconds"] = *c.duration_seconds;
  j["details"] = c.details;
  return j;
}

json WriteShare(const StatusShare& s) {
  json j{{"name", s.name},
         {"scope", std::string(ScopeName(s.scope.value_or(Scope::kLocal)))},
         {"weight", Number(s.weight)},
         {"down", s.down},
         {"recovering", s.recovering},
         {"contributing", s.contributing},
         {"consecutive_fail", Number(s.consecutive_fail)},
         {"consecutive_ok", Number(s.consecutive_ok)},
         {"evidence", s.evidence},
         {"restored", s.restored},
         {"withdrawn", s.withdrawn}};
  if (!s.suppressed_by.empty()) j["suppressed_by"] = s.suppressed_by;
  if (s.leased) {
    json lease{{"remaining_seconds", s.lease_remaining_seconds},
               {"held", s.held}};
    if (s.held_for_seconds) lease["held_for_seconds"] = *s.held_for_seconds;
    j["lease"] = std::move(lease);
  }
  return j;
}

json WritePeerView(const StatusPeerView& p) {
  json j{{"reachable", p.reachable}, {"api_ok", p.api_ok}};
  if (!p.error.empty()) j["error"] = p.error;
  if (p.api_ok) {
    j["node"] = p.node;
    j["role"] = std::string(RoleName(p.role.value_or(Role::kUnknown)));
    j["ready"] = p.ready.value_or(false);
  }
  return j;
}

}  // namespace

const StatusCheck* NodeStatus::FindCheck(std::string_view name) const {
  for (const auto& c : checks)
    if (c.name == name) return &c;
  return nullptr;
}

json WriteControllerStatus(const StatusController& c) {
  json j = c.extra.is_object() ? c.extra : json::object();
  j["enabled"] = c.enabled;
  j["dry_run"] = c.dry_run;
  j["sink"] = c.sink;
  j["desired"] = Number(c.desired);
  j["applied"] = c.applied ? Number(*c.applied) : json();
  j["max"] = Number(c.max);
  j["unknown_hold"] = c.unknown_hold;
  j["reason"] = c.reason;
  j["suppressed"] = c.suppressed;
  json checks = json::array();
  for (const auto& s : c.checks) checks.push_back(WriteShare(s));
  j["checks"] = std::move(checks);
  json decisions = json::array();
  for (const auto& d : c.decisions) {
    decisions.push_back({{"time", d.time},
                         {"desired", Number(d.desired)},
                         {"reason", d.reason}});
  }
  j["decisions"] = std::move(decisions);
  if (!c.sink_refused.empty()) j["sink_refused"] = c.sink_refused;
  if (c.peer) {
    j["peer"] = {{"name", c.peer->name},
                 {"ready", c.peer->ready},
                 {"better", c.peer->better},
                 {"summary", c.peer->summary},
                 {"better_summary", c.peer->better_summary},
                 {"upstream_ok", c.peer->upstream_ok},
                 {"upstream_summary", c.peer->upstream_summary}};
  }
  return j;
}

json WriteStatusDocument(const NodeStatus& s) {
  json doc;
  doc["node"] = s.node;
  doc["version"] = s.version;
  doc["time"] = s.time;
  doc["role"] = std::string(RoleName(s.role));
  doc["role_detail"] = s.role_detail;
  doc["ready"] = s.ready;
  json checks = json::array();
  for (const auto& c : s.checks) checks.push_back(WriteCheck(c));
  doc["checks"] = std::move(checks);
  doc["controller"] =
      s.controller ? WriteControllerStatus(*s.controller) : json::object();
  if (s.peer) doc["peer"] = WritePeerView(*s.peer);
  return doc;
}

std::string FormatUtc(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string DumpStatusDocument(const json& doc) {
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Expected<NodeStatus> ParsePeerStatus(std::string_view body) {
  auto parsed = ParseBoundedJson(body, kLimits);
  if (!parsed) {
    constexpr std::string_view kSyntax = "not valid JSON: ";
    std::string why = parsed.error().message;
    if (why.rfind(kSyntax, 0) != 0) return Error{kInvalid + why};
    return Error{std::string(kInvalid) + "the peer status is not JSON (" +
                 why.substr(kSyntax.size()) + ")"};
  }
  return Read(*parsed);
}

}  // namespace ipv6ha
