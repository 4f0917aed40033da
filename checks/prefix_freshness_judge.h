#pragma once

// The verdict of `prefix_freshness` (checks/prefix_freshness_check.h), from
// what the check read: pure, no I/O, so
// tests/unit/prefix_freshness_judge_test.cpp drives it with literal
// observations and a fixed time.

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "checks/check.h"
#include "checks/pds/pds_state_parser.h"
#include "exporter/base/duration.h"
#include "exporter/base/expected.h"
#include "exporter/platform/bounded_file.h"

namespace ipv6ha {

// How far in the future the state file's mtime may lie (clocks of the
// writer and of this check are the same, but NTP may step it back).
inline constexpr std::chrono::seconds kFutureMtimeTolerance{60};

struct PrefixFreshnessConfig {
  std::string pds_file = "/var/db/dhcp6c-pds.json";
  Duration max_age{std::chrono::hours(1)};
  int min_active = 1;
  std::string nptv6_config;  // optional: learn which pd-ids are relied on
  std::size_t max_file_bytes = 4 * 1024 * 1024;
};

// What one run read. `state` is empty when the file could not be read; the
// NPTv6 fields are empty when no nptv6_config is set or the state was not
// parsed.
struct FreshnessObservation {
  Expected<BoundedFile> file;
  std::optional<Expected<PdsState>> state;
  std::set<std::string> relied_on;  // PD ids the NPTv6 config maps
  std::string nptv6_error;          // why the NPTv6 config was not read
};

struct FreshnessVerdict {
  // How far the judgement got: kNoAge (file unreadable or its mtime in the
  // future), kNoState (age known, content unusable), kJudged.
  enum class Stage { kNoAge, kNoState, kJudged };
  Stage stage = Stage::kNoAge;
  CheckStatus status = CheckStatus::kUnknown;
  std::string summary;
  double age_seconds = 0;  // from kNoState on
  // From kJudged on:
  std::map<std::string, int> per_status;  // every known status, also at 0
  int history_changes = 0;
  std::vector<std::string> failures;
};

FreshnessVerdict JudgeFreshness(const FreshnessObservation& observation,
                                const PrefixFreshnessConfig& config,
                                std::chrono::system_clock::time_point now);

}  // namespace ipv6ha
