#pragma once

// HTTP basic auth against bcrypt hashes, as Prometheus' exporter-toolkit
// does it (`basic_auth_users: {name: $2y$...}`). Hashes are verified with
// platform/crypt_hash.h (the system crypt()); unknown users cost the same as
// wrong passwords.
// A header that verified is remembered (its SHA-256, up to
// kVerifiedCacheSize of them), as exporter-toolkit caches it, so a
// Prometheus scrape costs one bcrypt per configuration, not one per
// request, and can be answered without waiting for a worker.
// Thread safe.

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "exporter/platform/crypt_hash.h"

namespace ipv6ha {

class BasicAuth {
 public:
  explicit BasicAuth(std::map<std::string, std::string> users);

  bool enabled() const { return !users_.empty(); }
  // `header` is the Authorization header value (may be empty). True when it
  // carries a known user and the right password. A user name or password
  // with a NUL byte is refused (crypt() would stop reading at it).
  bool Verify(std::string_view header) const;
  // True when `header` verified before (no bcrypt); false means unknown,
  // not wrong: Verify decides.
  bool VerifiedBefore(std::string_view header) const;

  // "user:password" from "Basic <base64>", nullopt when malformed.
  static std::optional<std::pair<std::string, std::string>> ParseHeader(
      std::string_view header);

 private:
  std::map<std::string, std::string> users_;
  // What an unknown user's password is verified against: a configured hash,
  // so "no such user" costs the same bcrypt rounds as "wrong password".
  std::string dummy_hash_;
  struct Cache {
    std::mutex mutex;
    std::set<std::array<unsigned char, 32>> verified;
  };
  std::unique_ptr<Cache> cache_ = std::make_unique<Cache>();
};

inline constexpr std::size_t kVerifiedCacheSize = 64;

}  // namespace ipv6ha
