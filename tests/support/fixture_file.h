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

}  // namespace ipv6ha::testing
