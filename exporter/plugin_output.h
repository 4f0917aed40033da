#pragma once

// The verdict and the output of `ipv6_ha_exporter check`, as the
// monitoring-plugins guidelines define them for a plugin, so Nagios, Icinga
// or NRPE can run it as is. Pure functions.
//
// States (exit codes): 0 OK; 1 WARNING when a check with weight 0 (observe
// only: it never demotes) fails; 2 CRITICAL when a weighted check fails; 3
// UNKNOWN when a check could not evaluate (or the role could not be read).
// A check that does not apply in the node's role (an upstream check on a
// BACKUP without an upstream path, nptv6_rules on an unknown role) counts
// for nothing: not applicable is not unknown. Several at once: the worst,
// CRITICAL > WARNING > UNKNOWN > OK (monitoring-plugins' max_state_alt).
//
// Performance data follow the guidelines' format, after a '|' on the first
// line: 'label'=value[UOM];[warn];[crit];[min];[max], labels in single
// quotes, values in plain decimal notation, UOM "s" for seconds.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/base/name_table.h"
#include "exporter/base/role.h"
#include "exporter/store/result_store.h"

namespace ipv6ha {

enum class PluginState { kOk = 0, kWarning = 1, kCritical = 2, kUnknown = 3 };

inline constexpr auto kPluginStateNames =
    MakeNameTable<PluginState>({{PluginState::kOk, "OK"},
                                {PluginState::kWarning, "WARNING"},
                                {PluginState::kCritical, "CRITICAL"},
                                {PluginState::kUnknown, "UNKNOWN"}});

constexpr std::string_view PluginStateName(PluginState s) {
  return kPluginStateNames.Name(s);
}

struct PluginVerdict {
  PluginState state = PluginState::kOk;
  int ok = 0;
  int failing = 0;   // weighted checks that fail
  int observed = 0;  // weight-0 checks that fail
  int unknown = 0;   // could not evaluate
  int not_applicable = 0;
};

// The verdict over one run of every check, in the node's role.
PluginVerdict JudgePlugin(const std::vector<CheckRecord>& records, Role role);

struct PerfDatum {
  std::string label;
  double value = 0;
  std::string uom;  // "", "s", "%", ...
  std::optional<double> warn, crit, min, max;
};

// 'contribution'=D;;;0;MAX (what the controller would apply), then per
// check that measured one 'NAME_rtt'=Xs: details.rtt_seconds, or the lowest
// rtt_seconds of details.targets[].
std::vector<PerfDatum> PluginPerfData(const std::vector<CheckRecord>& records,
                                      int contribution, int max);

// "'label'=value;warn;crit;min;max ..." with empty trailing fields dropped;
// a quote in a label is doubled, as the guidelines say.
std::string FormatPerfData(const std::vector<PerfDatum>& data);

// Text for the plugin output: '|' (which starts performance data) becomes
// '/', line breaks become spaces.
std::string PluginText(std::string_view text);

}  // namespace ipv6ha
