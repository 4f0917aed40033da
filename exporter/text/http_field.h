#pragma once

// The two text rules HTTP/1.1 field parsing needs on both sides (the
// server's request heads, the client's replies): field names compare
// ASCII-case-insensitively (RFC 9110 5.1), and optional whitespace (OWS:
// spaces and tabs) around a field value is not part of it (RFC 9110 5.5).
// Pure; no locale.

#include <string_view>

namespace ipv6ha {

inline bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

inline std::string_view TrimOptionalWhitespace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace ipv6ha
