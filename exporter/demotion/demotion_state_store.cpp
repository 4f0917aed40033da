#include "exporter/demotion/demotion_state_store.h"

#include <nlohmann/json.hpp>

#include "exporter/platform/atomic_file.h"
#include "exporter/platform/file_presence.h"

namespace ipv6ha {
namespace {

// OPNsense's carp_service_status adds and removes this much.
constexpr std::int64_t kServiceFlag = std::int64_t{1} << 20;

bool IsServiceFlagMultiple(std::int64_t v) {
  return v != 0 && v % kServiceFlag == 0;
}

}  // namespace

std::string SerializeDemotionState(const DemotionState& s) {
  nlohmann::json shares = nlohmann::json::array();
  for (const auto& c : s.contributing) {
    nlohmann::json j{{"name", c.name}, {"weight", c.weight}};
    if (c.unknown_since_ms)
      j["unknown_since_monotonic_ms"] = *c.unknown_since_ms;
    if (c.lease_until_ms) j["lease_until_monotonic_ms"] = *c.lease_until_ms;
    shares.push_back(std::move(j));
  }
  nlohmann::json j{{"version", 2},
                   {"applied", s.applied},
                   {"epoch", s.epoch},
                   {"sink", s.sink},
                   {"contributing", std::move(shares)},
                   {"role_changes_monotonic_ms", s.role_changes_ms}};
  if (s.pending) j["pending"] = *s.pending;
  if (s.before) j["before"] = *s.before;
  return j.dump() + "\n";
}

Expected<DemotionState> ParseDemotionState(const std::string& text) {
  try {
    const auto j = nlohmann::json::parse(text);
    DemotionState s;
    s.applied = j.at("applied").get<int>();
    if (s.applied < 0) return Error{"recorded contribution is negative"};
    if (j.contains("pending")) s.pending = j.at("pending").get<int>();
    if (s.pending && *s.pending < 0)
      return Error{"recorded pending contribution is negative"};
    if (j.contains("before")) s.before = j.at("before").get<std::int64_t>();
    s.epoch = j.value("epoch", "");
    s.sink = j.value("sink", "");
    for (const auto& c : j.value("contributing", nlohmann::json::array())) {
      RecordedShare share;
      share.name = c.at("name").get<std::string>();
      share.weight = c.at("weight").get<int>();
      if (c.contains("unknown_since_monotonic_ms")) {
        share.unknown_since_ms =
            c.at("unknown_since_monotonic_ms").get<std::int64_t>();
      }
      if (c.contains("lease_until_monotonic_ms")) {
        share.lease_until_ms =
            c.at("lease_until_monotonic_ms").get<std::int64_t>();
      }
      s.contributing.push_back(std::move(share));
    }
    s.role_changes_ms =
        j.value("role_changes_monotonic_ms", std::vector<std::int64_t>{});
    s.legacy_down = j.value("down", std::vector<std::string>{});
    return s;
  } catch (const nlohmann::json::exception& e) {
    return Error{std::string("not a demotion state document: ") + e.what()};
  }
}

Expected<std::optional<DemotionState>> DemotionStateStore::Load() const {
  if (PathIsAbsent(path_)) {
    return std::optional<DemotionState>{};
  }
  auto text = ReadSmallFile(path_);
  if (!text) return text.error();
  auto state = ParseDemotionState(*text);
  if (!state) return Error{path_ + ": " + state.error().message};
  return std::optional<DemotionState>{std::move(*state)};
}

Status DemotionStateStore::Save(const DemotionState& state) const {
  return WriteFileAtomically(path_, SerializeDemotionState(state), 0600);
}

ReconcileOutcome ReconcileAdditive(const DemotionState& rec,
                                   const Expected<std::string>& epoch,
                                   const Expected<std::int64_t>& current) {
  ReconcileOutcome out;
  if (epoch.ok() && !rec.epoch.empty() && *epoch != rec.epoch) {
    out.applied = 0;
    out.note =
        "counter was reset since the state was recorded (reboot); "
        "recorded contribution " +
        std::to_string(rec.applied) + " is no longer applied";
    return out;
  }
  out.applied = rec.applied;
  if (!rec.pending || *rec.pending == rec.applied) {
    out.note =
        "recorded contribution " + std::to_string(rec.applied) + " is applied";
    return out;
  }
  const std::int64_t delta =
      static_cast<std::int64_t>(*rec.pending) - rec.applied;
  const std::string change = "change " + std::to_string(rec.applied) + " -> " +
                             std::to_string(*rec.pending);
  if (!current.ok() || !rec.before) {
    // Without a read-back the write is most likely done: it follows the
    // intent record immediately, while the commit record needs an fsync.
    out.applied = *rec.pending;
    out.note =
        "interrupted " + change + " assumed applied (counter not readable)";
    return out;
  }
  const std::int64_t moved = *current - *rec.before;
  if (moved == delta) {
    out.applied = *rec.pending;
    out.note = "interrupted " + change + " found applied";
  } else if (moved == 0) {
    out.note = "interrupted " + change + " found not applied";
  } else if (IsServiceFlagMultiple(moved - delta) &&
             !IsServiceFlagMultiple(moved)) {
    out.applied = *rec.pending;
    out.note = "interrupted " + change +
               " found applied (OPNsense service flag moved too)";
  } else if (IsServiceFlagMultiple(moved) &&
             !IsServiceFlagMultiple(moved - delta)) {
    out.note = "interrupted " + change +
               " found not applied (OPNsense service flag moved)";
  } else {
    out.applied = *rec.pending;
    out.note = "interrupted " + change + " is ambiguous (counter moved by " +
               std::to_string(moved) + "); assumed applied";
  }
  return out;
}

}  // namespace ipv6ha
