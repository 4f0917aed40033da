#include "checks/peer_status.h"

#include <cmath>
#include <initializer_list>

#include "exporter/text/bounded_json.h"
#include "exporter/text/utf8.h"

namespace ipv6ha {
namespace {

using nlohmann::json;

constexpr char kInvalid[] = "peer sent an invalid status document: ";

// Replies nest 5 levels deep (document, checks, check, details, a detail's
// list); the limit leaves room for growth and none for a stack overflow.
constexpr JsonLimits kLimits{std::size_t{64} << 20, 32};

enum class Kind { kString, kBool, kNumber, kObject, kArray };

// One member of an object in the document, as BuildStatusDocument and the
// controller's report write it. Members not listed are ignored (a newer
// peer may add some); listed ones must have this type, be one of `allowed`
// when given (case-sensitive), and not be negative when `non_negative`.
struct Rule {
  const char* key;
  Kind kind;
  bool required = false;
  std::initializer_list<const char*> allowed = {};
  bool non_negative = false;
};

const Rule kDocumentRules[] = {
    {"node", Kind::kString},
    {"version", Kind::kString},
    {"time", Kind::kString},
    {"role",
     Kind::kString,
     true,
     {"master", "backup", "init", "fault", "unknown"}},
    {"role_detail", Kind::kObject},
    {"ready", Kind::kBool, true},
    {"checks", Kind::kArray},
    {"controller", Kind::kObject},
    {"peer", Kind::kObject},
};

const Rule kCheckRules[] = {
    {"name", Kind::kString, true},
    {"type", Kind::kString},
    {"status", Kind::kString, false, {"ok", "fail", "unknown"}},
    {"summary", Kind::kString},
    {"scope", Kind::kString, false, {"local", "upstream"}},
    {"weight", Kind::kNumber, false, {}, true},
    {"applicable", Kind::kBool},
    {"timed_out", Kind::kBool},
    {"interval_seconds", Kind::kNumber, false, {}, true},
    {"runs", Kind::kNumber, false, {}, true},
    {"details", Kind::kObject},
};

const Rule kControllerRules[] = {
    {"enabled", Kind::kBool},
    {"dry_run", Kind::kBool},
    {"desired", Kind::kNumber, false, {}, true},
    {"applied", Kind::kNumber, false, {}, true},
    {"max", Kind::kNumber, false, {}, true},
    {"reason", Kind::kString},
};

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kString:
      return "string";
    case Kind::kBool:
      return "boolean";
    case Kind::kNumber:
      return "number";
    case Kind::kObject:
      return "object";
    case Kind::kArray:
      return "array";
  }
  return "?";
}

std::string Article(Kind kind) {
  return kind == Kind::kObject || kind == Kind::kArray ? "an " : "a ";
}

bool HasKind(const json& v, Kind kind) {
  switch (kind) {
    case Kind::kString:
      return v.is_string();
    case Kind::kBool:
      return v.is_boolean();
    case Kind::kNumber:
      return v.is_number();
    case Kind::kObject:
      return v.is_object();
    case Kind::kArray:
      return v.is_array();
  }
  return false;
}

// An Error naming the member (checks[2] "weight") and what is wrong; `at`
// is "" for the document itself, else "checks[2] " or "controller ".
Status CheckRule(const json& object, const Rule& rule, const std::string& at) {
  const std::string where = at + "\"" + rule.key + "\"";
  auto it = object.find(rule.key);
  if (it == object.end() || it->is_null()) {
    if (!rule.required) return OkStatus();
    return Error{kInvalid + at + "has no " + KindName(rule.kind) + " \"" +
                 rule.key + "\""};
  }
  if (!HasKind(*it, rule.kind)) {
    return Error{kInvalid + where + " is not " + Article(rule.kind) +
                 KindName(rule.kind) + " (it is " + it->type_name() + ")"};
  }
  if (rule.allowed.size() > 0) {
    const std::string value = it->get<std::string>();
    std::string choices;
    for (const char* a : rule.allowed) {
      if (value == a) return OkStatus();
      choices += std::string(choices.empty() ? "" : ", ") + a;
    }
    return Error{kInvalid + where + " is \"" +
                 std::string(Utf8Prefix(value, 40)) + "\", not one of " +
                 choices};
  }
  if (rule.non_negative) {
    const double n = it->get<double>();
    if (!std::isfinite(n) || n < 0) {
      return Error{kInvalid + where + " must not be negative (" + it->dump() +
                   ")"};
    }
  }
  return OkStatus();
}

template <std::size_t N>
Status CheckRules(const json& object, const Rule (&rules)[N],
                  const std::string& at) {
  for (const Rule& rule : rules) {
    if (Status st = CheckRule(object, rule, at); !st) return st;
  }
  return OkStatus();
}

Status Validate(const json& doc) {
  if (!doc.is_object()) {
    return Error{std::string(kInvalid) + "it is not a JSON object (it is " +
                 doc.type_name() + ")"};
  }
  if (Status st = CheckRules(doc, kDocumentRules, ""); !st) return st;
  if (auto c = doc.find("controller"); c != doc.end() && c->is_object()) {
    if (Status st = CheckRules(*c, kControllerRules, "controller "); !st)
      return st;
  }
  auto checks = doc.find("checks");
  if (checks == doc.end() || checks->is_null()) return OkStatus();
  for (std::size_t i = 0; i < checks->size(); ++i) {
    const json& c = (*checks)[i];
    const std::string at = "checks[" + std::to_string(i) + "] ";
    if (!c.is_object()) {
      return Error{kInvalid + at + "is not an object (it is " + c.type_name() +
                   ")"};
    }
    if (Status st = CheckRules(c, kCheckRules, at); !st) return st;
  }
  return OkStatus();
}

std::string StringOr(const json& object, const char* key,
                     const std::string& fallback) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>()
                                               : fallback;
}

}  // namespace

Expected<PeerStatus> ParsePeerStatus(std::string_view body) {
  auto parsed = ParseBoundedJson(body, kLimits);
  if (!parsed) {
    constexpr std::string_view kSyntax = "not valid JSON: ";
    std::string why = parsed.error().message;
    if (why.rfind(kSyntax, 0) != 0) return Error{kInvalid + why};
    return Error{std::string(kInvalid) + "the peer status is not JSON (" +
                 why.substr(kSyntax.size()) + ")"};
  }
  json& doc = *parsed;
  if (Status st = Validate(doc); !st) return st.error();
  PeerStatus s;
  s.node = StringOr(doc, "node", "");
  s.version = StringOr(doc, "version", "");
  s.role = ParseRole(doc["role"].get<std::string>()).value_or(Role::kUnknown);
  s.ready = doc["ready"].get<bool>();
  if (auto checks = doc.find("checks");
      checks != doc.end() && checks->is_array()) {
    for (const auto& c : *checks) {
      PeerCheckState state;
      state.name = StringOr(c, "name", "");
      state.status = StringOr(c, "status", "unknown");
      state.summary = StringOr(c, "summary", "");
      state.scope = StringOr(c, "scope", "");
      if (auto w = c.find("weight"); w != c.end() && w->is_number()) {
        state.weight = w->get<double>();
      }
      s.checks.push_back(std::move(state));
    }
  }
  s.document = std::move(doc);
  return s;
}

}  // namespace ipv6ha
