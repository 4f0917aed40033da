#include "checks/pds/pds_state_parser.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "exporter/text/bounded_json.h"

namespace ipv6ha {
namespace {

using Json = nlohmann::json;

// The file nests 4 levels (delegations, entry, history, item); callers
// bound its size when they read it.
constexpr JsonLimits kLimits{std::size_t{1} << 30, 16};

// Optional string field: absent or null -> "", string -> value, else error.
Expected<std::string> StringField(const Json& object, const char* key,
                                  const std::string& where) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::string();
  if (!it->is_string()) {
    return Error{where + "." + key + " must be a string, not " +
                 std::string(it->type_name())};
  }
  return it->get<std::string>();
}

Expected<std::string> TimestampField(const Json& object, const char* key,
                                     const std::string& where) {
  auto text = StringField(object, key, where);
  if (!text) return text;
  if (!text->empty() && !IsLocalIsoTimestamp(*text)) {
    return Error{where + "." + key +
                 " is not a local ISO 8601 timestamp such as "
                 "2025-08-29T10:30:00: \"" +
                 text->substr(0, 40) + "\""};
  }
  return text;
}

Expected<std::optional<std::int64_t>> CountField(const Json& object,
                                                 const char* key,
                                                 const std::string& where) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::optional<std::int64_t>();
  if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
    return Error{where + "." + key + " must be a non-negative whole number"};
  }
  return std::optional<std::int64_t>(it->get<std::int64_t>());
}

void SetParsedPrefix(PrefixDelegation& pd) {
  if (pd.prefix.empty()) return;
  auto parsed = Ipv6Prefix::Parse(pd.prefix);
  if (parsed) pd.parsed_prefix = *parsed;
}

Expected<PrefixDelegation> ParseFlatEntry(const std::string& id,
                                          const Json& value) {
  const std::string where = "\"" + id + "\"";
  if (!value.is_object()) {
    return Error{where + " must be an object with a \"prefix\""};
  }
  PrefixDelegation pd;
  pd.id = id;
  auto prefix = StringField(value, "prefix", where);
  if (!prefix) return prefix.error();
  pd.prefix = *prefix;
  auto interface = StringField(value, "interface", where);
  if (!interface) return interface.error();
  pd.interface = *interface;
  // An entry without a prefix is not evidence that the prefix is gone: the
  // writer always records one, so the file is not what we think it is.
  if (pd.prefix.empty()) return Error{"entry " + id + " has no prefix"};
  pd.status = "active";
  SetParsedPrefix(pd);
  return pd;
}

Expected<std::vector<PrefixHistoryEntry>> ParseHistory(
    const Json& value, const std::string& where) {
  std::vector<PrefixHistoryEntry> out;
  auto it = value.find("prefix_history");
  if (it == value.end() || it->is_null()) return out;
  if (!it->is_array()) return Error{where + ".prefix_history must be a list"};
  for (std::size_t i = 0; i < it->size(); ++i) {
    const Json& entry = (*it)[i];
    const std::string at = where + ".prefix_history[" + std::to_string(i) + "]";
    if (!entry.is_object()) return Error{at + " must be an object"};
    auto prefix = StringField(entry, "prefix", at);
    if (!prefix) return prefix.error();
    auto timestamp = TimestampField(entry, "timestamp", at);
    if (!timestamp) return timestamp.error();
    out.push_back({*prefix, *timestamp});
  }
  return out;
}

Expected<PrefixDelegation> ParseNewEntry(const std::string& id,
                                         const Json& value) {
  const std::string where = "prefix_delegations." + id;
  if (!value.is_object()) return Error{where + " must be an object"};
  PrefixDelegation pd;
  pd.id = id;
  struct Field {
    const char* key;
    std::string* out;
    bool timestamp;
  };
  const Field fields[] = {
      {"prefix", &pd.prefix, false},
      {"interface", &pd.interface, false},
      {"status", &pd.status, false},
      {"created", &pd.created, true},
      {"last_updated", &pd.last_updated, true},
      {"last_seen", &pd.last_seen, true},
  };
  for (const auto& f : fields) {
    auto text = f.timestamp ? TimestampField(value, f.key, where)
                            : StringField(value, f.key, where);
    if (!text) return text.error();
    *f.out = *text;
  }
  if (pd.status.empty()) pd.status = "unknown";
  // Only "prefix_file_missing" says why a prefix may be absent; any other
  // entry without one (or a junk object) is not evidence of "no prefix".
  if (pd.prefix.empty() && pd.status != "prefix_file_missing") {
    return Error{"entry " + id + " has no prefix (" + where + ")"};
  }
  auto history = ParseHistory(value, where);
  if (!history) return history.error();
  pd.prefix_history = std::move(*history);
  SetParsedPrefix(pd);
  return pd;
}

Status ParseSummary(const Json& summary, PdsState& state) {
  if (!summary.is_object()) return Error{"summary must be an object"};
  auto total = CountField(summary, "total_pds", "summary");
  if (!total) return total.error();
  state.summary_total = *total;
  auto active = CountField(summary, "active_pds", "summary");
  if (!active) return active.error();
  auto active_alt = CountField(summary, "active_prefix_delegations", "summary");
  if (!active_alt) return active_alt.error();
  state.summary_active = active->has_value() ? *active : *active_alt;
  auto missing = CountField(summary, "missing_prefix_files", "summary");
  if (!missing) return missing.error();
  state.summary_missing_prefix_files = *missing;
  auto last_run = TimestampField(summary, "last_run", "summary");
  if (!last_run) return last_run.error();
  state.last_run = *last_run;
  return OkStatus();
}

Expected<PdsState> ParseJson(const Json& root) {
  if (!root.is_object()) {
    return Error{std::string("the top level must be an object, not ") +
                 root.type_name()};
  }
  PdsState state;
  const bool is_new =
      root.contains("prefix_delegations") || root.contains("summary");
  if (is_new) {
    state.format = PdsState::Format::kSummary;
    if (root.contains("summary")) {
      auto status = ParseSummary(root["summary"], state);
      if (!status) return status.error();
    }
    auto it = root.find("prefix_delegations");
    if (it == root.end()) return Error{"\"prefix_delegations\" is missing"};
    if (!it->is_object()) return Error{"prefix_delegations must be an object"};
    for (const auto& [id, value] : it->items()) {
      auto pd = ParseNewEntry(id, value);
      if (!pd) return pd.error();
      state.delegations.push_back(std::move(*pd));
    }
  } else {
    for (const auto& [id, value] : root.items()) {
      auto pd = ParseFlatEntry(id, value);
      if (!pd) return pd.error();
      state.delegations.push_back(std::move(*pd));
    }
  }
  // Numeric ids sort numerically ("2" before "10").
  std::sort(state.delegations.begin(), state.delegations.end(),
            [](const PrefixDelegation& a, const PrefixDelegation& b) {
              if (a.id.size() != b.id.size()) return a.id.size() < b.id.size();
              return a.id < b.id;
            });
  return state;
}

}  // namespace

int PrefixDelegation::HistoryChanges() const {
  std::vector<std::string> sequence;
  for (const auto& h : prefix_history) sequence.push_back(h.prefix);
  if (!prefix.empty()) sequence.push_back(prefix);
  int changes = 0;
  for (std::size_t i = 1; i < sequence.size(); ++i) {
    if (sequence[i] != sequence[i - 1]) ++changes;
  }
  return changes;
}

const PrefixDelegation* PdsState::Find(std::string_view id) const {
  for (const auto& pd : delegations) {
    if (pd.id == id) return &pd;
  }
  return nullptr;
}

bool IsLocalIsoTimestamp(std::string_view t) {
  // 2025-08-29T10:30:00 then optional .ffffff
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (t.size() < kShape.size()) return false;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const char want = kShape[i];
    const char c = t[i];
    if (want == 'd') {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    } else if (want == 'T') {
      if (c != 'T' && c != ' ') return false;
    } else if (c != want) {
      return false;
    }
  }
  std::string_view rest = t.substr(kShape.size());
  if (rest.empty()) return true;
  if (rest[0] != '.' || rest.size() < 2 || rest.size() > 10) return false;
  return std::all_of(rest.begin() + 1, rest.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

Expected<PdsState> ParsePdsState(std::string_view json_text) {
  if (json_text.empty()) return Error{"the file is empty"};
  // The message of a syntax error carries the place ("at line 3, column 5").
  auto root = ParseBoundedJson(json_text, kLimits);
  if (!root) return root.error();
  return ParseJson(*root);
}

}  // namespace ipv6ha
