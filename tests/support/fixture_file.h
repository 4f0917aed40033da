#pragma once

// Reads a file under tests/fixtures/ (IPV6HA_FIXTURES) for parser tests.
// Header-only so unit tests need no extra library.

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ipv6ha::testing {

inline std::string FixturePath(const std::string& relative) {
  return std::string(IPV6HA_FIXTURES) + "/" + relative;
}

// Throws when the fixture is missing: a typo in a test must not pass as
// "empty input".
inline std::string ReadFixture(const std::string& relative) {
  std::ifstream in(FixturePath(relative), std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + relative);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// `text` with every `from` replaced by `to` (fixture templates, paths in
// outputs).
inline std::string ReplaceAll(std::string text, const std::string& from,
                              const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace ipv6ha::testing
