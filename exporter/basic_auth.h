#pragma once

// HTTP basic auth against bcrypt hashes, as Prometheus' exporter-toolkit
// does it (`basic_auth_users: {name: $2y$...}`). Hashes are verified with the
// system crypt() (libxcrypt on Linux, libc on FreeBSD); the final comparison
// is constant-time, and unknown users cost the same as wrong passwords.
// Thread safe.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ipv6ha {

class BasicAuth {
 public:
  explicit BasicAuth(std::map<std::string, std::string> users);

  bool enabled() const { return !users_.empty(); }
  // `header` is the Authorization header value (may be empty). True when it
  // carries a known user and the right password.
  bool Verify(std::string_view header) const;

  // "user:password" from "Basic <base64>", nullopt when malformed.
  static std::optional<std::pair<std::string, std::string>> ParseHeader(
      std::string_view header);

 private:
  std::map<std::string, std::string> users_;
};

// True when crypt(password, hash) reproduces `hash`, compared in constant time.
bool VerifyCryptHash(const std::string& password, const std::string& hash);

}  // namespace ipv6ha
