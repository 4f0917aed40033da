#include "checks/peer_status.h"

namespace ipv6ha {
namespace {

using nlohmann::json;

// Reads an optional string member; false (with `error`) on a wrong type.
bool OptionalString(const json& object, const char* key, std::string& out,
                    std::string& error, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return true;
  if (!it->is_string()) {
    error = where + "\"" + key + "\" is not a string";
    return false;
  }
  out = it->get<std::string>();
  return true;
}

}  // namespace

Expected<PeerStatus> ParsePeerStatus(std::string_view body) {
  json doc = json::parse(body.begin(), body.end(), nullptr,
                         /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Error{"the peer status is not JSON"};
  if (!doc.is_object()) return Error{"the peer status is not a JSON object"};
  PeerStatus s;
  std::string error;
  std::string role;
  if (!OptionalString(doc, "node", s.node, error, "peer status: ") ||
      !OptionalString(doc, "version", s.version, error, "peer status: ") ||
      !OptionalString(doc, "role", role, error, "peer status: ")) {
    return Error{error};
  }
  if (!doc.contains("role")) return Error{"peer status has no \"role\""};
  s.role = ParseRole(role).value_or(Role::kUnknown);
  auto ready = doc.find("ready");
  if (ready == doc.end() || !ready->is_boolean()) {
    return Error{"peer status has no boolean \"ready\""};
  }
  s.ready = ready->get<bool>();
  if (auto c = doc.find("controller");
      c != doc.end() && !c->is_object() && !c->is_null()) {
    return Error{"peer status: \"controller\" is not an object"};
  }
  if (auto checks = doc.find("checks");
      checks != doc.end() && !checks->is_null()) {
    if (!checks->is_array())
      return Error{"peer status: \"checks\" is not an array"};
    for (const auto& c : *checks) {
      if (!c.is_object()) return Error{"peer status: a check is not an object"};
      PeerCheckState state;
      const std::string where = "peer status: check ";
      if (!OptionalString(c, "name", state.name, error, where) ||
          !OptionalString(c, "status", state.status, error, where) ||
          !OptionalString(c, "summary", state.summary, error, where) ||
          !OptionalString(c, "scope", state.scope, error, where)) {
        return Error{error};
      }
      if (state.status != "ok" && state.status != "fail")
        state.status = "unknown";
      if (auto w = c.find("weight"); w != c.end() && !w->is_null()) {
        if (!w->is_number()) return Error{where + "\"weight\" is not a number"};
        state.weight = w->get<double>();
      }
      s.checks.push_back(std::move(state));
    }
  }
  s.document = std::move(doc);
  return s;
}

}  // namespace ipv6ha
