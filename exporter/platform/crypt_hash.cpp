#include "exporter/platform/crypt_hash.h"

#include <openssl/crypto.h>
#if __has_include(<crypt.h>)
#include <crypt.h>  // libxcrypt (Linux): crypt_r and struct crypt_data
#else
#include <unistd.h>  // FreeBSD declares both in <unistd.h> (crypt(3))
#endif

#include <cctype>
#include <memory>
#include <string_view>

namespace ipv6ha {

Status CheckBcryptHash(const std::string& hash) {
  constexpr std::string_view kAlphabet =
      "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bool shape =
      hash.size() == 60 && hash[0] == '$' && hash[1] == '2' &&
      (hash[2] == 'a' || hash[2] == 'b' || hash[2] == 'y') && hash[3] == '$' &&
      std::isdigit(static_cast<unsigned char>(hash[4])) &&
      std::isdigit(static_cast<unsigned char>(hash[5])) && hash[6] == '$' &&
      hash.find_first_not_of(kAlphabet, 7) == std::string::npos;
  if (!shape) {
    return Error{
        "must be a bcrypt hash: $2y$, a two-digit cost, $ and 53 "
        "characters (htpasswd -nBC 10 USER | cut -d: -f2)"};
  }
  const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > kMaxBcryptCost) {
    return Error{"has bcrypt cost " + std::to_string(cost) + ", outside 4.." +
                 std::to_string(kMaxBcryptCost) +
                 " (every request computes it; each step doubles the work)"};
  }
  return OkStatus();
}

bool VerifyCryptHash(const std::string& password, const std::string& hash) {
  auto data = std::make_unique<crypt_data>();
  data->initialized = 0;
  const char* computed = crypt_r(password.c_str(), hash.c_str(), data.get());
  if (computed == nullptr || computed[0] == '*') return false;
  std::string_view c(computed);
  if (c.size() != hash.size()) return false;
  return CRYPTO_memcmp(c.data(), hash.data(), hash.size()) == 0;
}

}  // namespace ipv6ha
