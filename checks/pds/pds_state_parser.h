#pragma once

// Parser for the prefix-delegation state file written by the opnsense-ipv6
// scripts (/var/db/dhcp6c-pds.json). Two formats exist:
//
//   old:  {"0": {"prefix": "2601:db8:1::/60", "allocations": false,
//                "interfaces": {}}, ...}
//   new:  {"summary": {"total_pds": 2, "active_pds": 2, ...,
//                      "last_run": "2025-08-29T10:30:00.123456"},
//          "prefix_delegations": {"0": {"prefix": ..., "interface": ...,
//              "status": "active"|"prefix_file_missing", "created": ...,
//              "last_updated": ..., "last_seen": ...,
//              "prefix_history": [{"prefix": ..., "timestamp": ...}]}}}
//
// Some installs write summary.active_prefix_delegations instead of
// summary.active_pds. Timestamps are local time without a zone and are kept
// as text (checked for shape only). Pure function, thread safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/pds/ipv6_prefix.h"
#include "exporter/base/expected.h"

namespace ipv6ha {

struct PrefixHistoryEntry {
  std::string prefix;
  std::string timestamp;
};

struct PrefixDelegation {
  std::string id;      // the key: "0", "1", ...
  std::string prefix;  // as written; may be empty or invalid
  std::optional<Ipv6Prefix> parsed_prefix;  // set when `prefix` is valid
  std::string interface;
  // "active", "prefix_file_missing", or whatever the writer put there. The
  // old format has no status: "active" (an entry without a prefix is an
  // error in both formats, except with status "prefix_file_missing").
  std::string status;
  std::string created, last_updated, last_seen;
  std::vector<PrefixHistoryEntry> prefix_history;

  bool active() const { return status == "active"; }
  // Prefix changes the history records: adjacent different prefixes in
  // history followed by the current prefix.
  int HistoryChanges() const;
};

struct PdsState {
  enum class Format { kFlat, kSummary };
  Format format = Format::kFlat;
  // From "summary" (new format only); nullopt when absent.
  std::optional<std::int64_t> summary_total;
  std::optional<std::int64_t> summary_active;
  std::optional<std::int64_t> summary_missing_prefix_files;
  std::string last_run;
  std::vector<PrefixDelegation> delegations;  // sorted by id

  const PrefixDelegation* Find(std::string_view id) const;
};

// An Error names what is wrong ("prefix_delegations.1.prefix_history must be
// a list", "entry 0 has no prefix"). Unknown keys are ignored; wrong types
// of known keys are errors. Nesting deeper than 16 levels is refused before
// a tree is built (exporter/text/bounded_json.h).
Expected<PdsState> ParsePdsState(std::string_view json_text);

// True for "YYYY-MM-DDTHH:MM:SS" with optional ".fraction" (local time, no
// zone), also accepting a space instead of 'T'.
bool IsLocalIsoTimestamp(std::string_view text);

}  // namespace ipv6ha
