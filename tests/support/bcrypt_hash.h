#pragma once

// A bcrypt hash of a password, for tests that configure basic auth. crypt_r
// with a fixed salt at the lowest cost (4) works alike with libxcrypt
// (Linux) and FreeBSD's libcrypt, which has no crypt_gensalt; a fixed salt
// is fine for a test.

#if __has_include(<crypt.h>)
#include <crypt.h>  // libxcrypt (Linux): crypt_r and struct crypt_data
#else
#include <unistd.h>  // FreeBSD declares both in <unistd.h> (crypt(3))
#endif

#include <memory>
#include <string>

namespace ipv6ha::testing {

inline std::string BcryptHash(const std::string& password) {
  static constexpr char kSalt[] = "$2b$04$CrFAqvlwdPttIKuSl6FL5u";
  auto data = std::make_unique<crypt_data>();
  data->initialized = 0;
  const char* hash = crypt_r(password.c_str(), kSalt, data.get());
  return hash != nullptr ? std::string(hash) : std::string();
}

}  // namespace ipv6ha::testing
