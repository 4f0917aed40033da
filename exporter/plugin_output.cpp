#include "exporter/plugin_output.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ipv6ha {
namespace {

int Severity(PluginState s) {  // max_state_alt: OK < UNKNOWN < WARNING < CRIT
  switch (s) {
    case PluginState::kOk:
      return 0;
    case PluginState::kUnknown:
      return 1;
    case PluginState::kWarning:
      return 2;
    case PluginState::kCritical:
      break;
  }
  return 3;
}

PluginState Worst(PluginState a, PluginState b) {
  return Severity(a) >= Severity(b) ? a : b;
}

// Plain decimal notation (no exponent), at most 6 decimals, no trailing 0s.
std::string Number(double v) {
  if (!std::isfinite(v)) return "0";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.6f", v);
  std::string s = buf;
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

std::optional<double> RttOf(const nlohmann::json& details) {
  if (!details.is_object()) return std::nullopt;
  auto direct = details.find("rtt_seconds");
  if (direct != details.end() && direct->is_number()) {
    return direct->get<double>();
  }
  std::optional<double> best;
  auto targets = details.find("targets");
  if (targets == details.end() || !targets->is_array()) return best;
  for (const auto& t : *targets) {
    if (!t.is_object()) continue;
    auto rtt = t.find("rtt_seconds");
    if (rtt == t.end() || !rtt->is_number()) continue;
    const double v = rtt->get<double>();
    if (!best || v < *best) best = v;
  }
  return best;
}

}  // namespace

PluginVerdict JudgePlugin(const std::vector<CheckRecord>& records, Role role) {
  PluginVerdict v;
  if (role == Role::kUnknown) v.state = PluginState::kUnknown;
  for (const auto& r : records) {
    if (!r.applicable || (r.result && !r.result->Applies())) {
      ++v.not_applicable;
      continue;
    }
    PluginState s = PluginState::kOk;
    switch (r.status()) {
      case CheckStatus::kOk:
        ++v.ok;
        break;
      case CheckStatus::kFail:
        if (r.settings.weight > 0) {
          ++v.failing;
          s = PluginState::kCritical;
        } else {
          ++v.observed;
          s = PluginState::kWarning;
        }
        break;
      case CheckStatus::kUnknown:
        ++v.unknown;
        s = PluginState::kUnknown;
        break;
    }
    v.state = Worst(v.state, s);
  }
  return v;
}

std::vector<PerfDatum> PluginPerfData(const std::vector<CheckRecord>& records,
                                      int contribution, int max) {
  std::vector<PerfDatum> out;
  out.push_back({"contribution", static_cast<double>(contribution), "",
                 std::nullopt, std::nullopt, 0.0, static_cast<double>(max)});
  for (const auto& r : records) {
    if (!r.result) continue;
    if (auto rtt = RttOf(r.result->details)) {
      out.push_back({r.settings.name + "_rtt", *rtt, "s"});
    }
  }
  return out;
}

std::string FormatPerfData(const std::vector<PerfDatum>& data) {
  std::string out;
  for (const auto& d : data) {
    std::string label;
    for (char c : d.label) {
      label += c == '\'' ? std::string("''") : std::string(1, c);
    }
    std::string fields[4];
    const std::optional<double>* opt[4] = {&d.warn, &d.crit, &d.min, &d.max};
    std::size_t used = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      if (*opt[k]) {
        fields[k] = Number(**opt[k]);
        used = k + 1;
      }
    }
    std::string item(1, '\'');
    item.append(PluginText(label)).append("'=").append(Number(d.value));
    item.append(d.uom);
    for (std::size_t k = 0; k < used; ++k) item += ";" + fields[k];
    out += (out.empty() ? "" : " ") + item;
  }
  return out;
}

std::string PluginText(std::string_view text) {
  std::string out(text);
  std::replace(out.begin(), out.end(), '|', '/');
  std::replace(out.begin(), out.end(), '\n', ' ');
  std::replace(out.begin(), out.end(), '\r', ' ');
  return out;
}

}  // namespace ipv6ha
