#include "checks/prefix_freshness_judge.h"

#include <algorithm>

#include "exporter/text/join.h"

namespace ipv6ha {
namespace {

constexpr const char* kKnownStatuses[] = {"active", "prefix_file_missing"};

using Verdict = FreshnessVerdict;

// The failures found in a parsed state file, counting as it goes.
void JudgeState(const FreshnessObservation& o, const PdsState& state,
                const PrefixFreshnessConfig& config, Verdict& v) {
  for (const char* s : kKnownStatuses) v.per_status[s] = 0;
  for (const auto& pd : state.delegations) {
    ++v.per_status[pd.status];
    v.history_changes += pd.HistoryChanges();
    if (pd.active() && !pd.parsed_prefix) {
      v.failures.push_back("active prefix delegation " + pd.id +
                           " has no valid IPv6 prefix (\"" +
                           pd.prefix.substr(0, 60) + "\")");
    }
  }
  const int active = v.per_status["active"];
  if (active < config.min_active) {
    v.failures.push_back(std::to_string(active) +
                         " active prefix delegation(s), fewer than " +
                         std::to_string(config.min_active));
  }
  for (const auto& id : o.relied_on) {
    const PrefixDelegation* pd = state.Find(id);
    if (pd == nullptr) {
      v.failures.push_back("prefix delegation " + id +
                           " used by the NPTv6 config is missing");
    } else if (!pd->active()) {
      v.failures.push_back("prefix delegation " + id +
                           " used by the NPTv6 config is " + pd->status);
    }
  }
}

}  // namespace

FreshnessVerdict JudgeFreshness(const FreshnessObservation& o,
                                const PrefixFreshnessConfig& config,
                                std::chrono::system_clock::time_point now) {
  Verdict v;
  if (!o.file) {
    v.summary = "cannot read the prefix state file: " + o.file.error().message;
    return v;
  }
  if (o.file->mtime > now + kFutureMtimeTolerance) {
    // A clock stepped back, or a file touched with a future date: its age
    // (and so its freshness) cannot be judged, which is not a failure.
    v.summary =
        "the prefix state file " + config.pds_file + " was modified " +
        std::to_string(static_cast<long long>(
            std::chrono::duration<double>(o.file->mtime - now).count())) +
        "s in the future; its age cannot be judged (was the clock set "
        "back?)";
    return v;
  }
  v.stage = Verdict::Stage::kNoState;
  v.age_seconds =
      std::max(0.0, std::chrono::duration<double>(now - o.file->mtime).count());
  if (!o.state || !*o.state) {
    v.summary = "prefix state file " + config.pds_file + " is not usable: " +
                (o.state ? o.state->error().message : "not parsed");
    return v;
  }
  v.stage = Verdict::Stage::kJudged;
  if (v.age_seconds > std::chrono::duration<double>(config.max_age).count()) {
    v.failures.push_back("the prefix state file is " +
                         std::to_string(static_cast<long long>(v.age_seconds)) +
                         "s old, more than " + FormatDuration(config.max_age));
  }
  const PdsState& state = o.state->value();
  JudgeState(o, state, config, v);
  if (!v.failures.empty()) {
    v.status = CheckStatus::kFail;
    v.summary = Join(v.failures, "; ");
  } else {
    v.status = CheckStatus::kOk;
    v.summary = std::to_string(v.per_status["active"]) + " of " +
                std::to_string(state.delegations.size()) +
                " prefix delegation(s) active, state file " +
                std::to_string(static_cast<long long>(v.age_seconds)) + "s old";
  }
  if (!o.nptv6_error.empty())
    v.summary += " (NPTv6 config not read: see details)";
  return v;
}

}  // namespace ipv6ha
