#include "exporter/base/duration.h"

#include <array>
#include <cctype>
#include <cstdint>
#include <limits>

namespace ipv6ha {
namespace {

struct DurationUnit {
  std::string_view name;
  std::int64_t millis;
};

// Longest names first so "ms" is not read as "m" followed by garbage.
constexpr std::array<DurationUnit, 6> kUnits{{{"ms", 1},
                                              {"s", 1000},
                                              {"m", 60'000},
                                              {"h", 3'600'000},
                                              {"d", 86'400'000},
                                              {"w", 604'800'000}}};

}  // namespace

Expected<Duration> ParseDuration(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  if (text.empty()) return Error{"empty duration"};
  if (text == "0") return Duration(0);
  if (text.front() == '-') {
    return Error{"negative duration " + quoted + " is not allowed"};
  }
  std::int64_t total = 0;
  std::int64_t last_unit = std::numeric_limits<std::int64_t>::max();
  std::size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      return Error{"invalid duration " + quoted +
                   ": expected a number such as 500ms, 10s, 1m30s or 1h"};
    }
    std::int64_t number = 0;
    while (i < text.size() &&
           std::isdigit(static_cast<unsigned char>(text[i]))) {
      number = number * 10 + (text[i] - '0');
      if (number > 1'000'000'000'000) {
        return Error{"duration " + quoted + " is too large"};
      }
      ++i;
    }
    const DurationUnit* unit = nullptr;
    for (const auto& u : kUnits) {
      if (text.substr(i, u.name.size()) == u.name) {
        // "m" must not swallow the "m" of "ms".
        if (u.name == "m" && text.substr(i, 2) == "ms") continue;
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) {
      return Error{"invalid duration " + quoted +
                   ": missing or unknown unit (use ms, s, m, h, d or w)"};
    }
    if (unit->millis >= last_unit) {
      return Error{"invalid duration " + quoted +
                   ": units must go from largest to smallest, each once"};
    }
    last_unit = unit->millis;
    i += unit->name.size();
    // Each part and the sum stay below half the range, so callers may add a
    // duration to a time point without overflow. Checking only each part let
    // "7625142226w53375995583d1000000000000h" overflow the sum (found by
    // tests/fuzz/duration_fuzz).
    constexpr std::int64_t kMaxMillis =
        std::numeric_limits<std::int64_t>::max() / 2;
    if (number > kMaxMillis / unit->millis ||
        number * unit->millis > kMaxMillis - total) {
      return Error{"duration " + quoted + " is too large"};
    }
    total += number * unit->millis;
  }
  return Duration(total);
}

std::string FormatDuration(Duration d) {
  std::int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  for (auto it = kUnits.rbegin(); it != kUnits.rend(); ++it) {
    if (ms >= it->millis) {
      out += std::to_string(ms / it->millis) + std::string(it->name);
      ms %= it->millis;
    }
  }
  return out;
}

}  // namespace ipv6ha
