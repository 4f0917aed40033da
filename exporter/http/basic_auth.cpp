#include "exporter/http/basic_auth.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <memory>
#include <vector>

namespace ipv6ha {
namespace {

// A valid bcrypt hash (cost 10) of a random string, used only when no user
// is configured (auth disabled).
constexpr char kDummyHash[] =
    "$2y$10$B8g7ySalmPflkWlz.hE.zOmzbUBbZBzAXZmSxluDGSXrojOYkyi4C";

std::optional<std::string> DecodeBase64(std::string_view in) {
  if (in.empty() || in.size() % 4 != 0 || in.size() > 4096) return std::nullopt;
  std::vector<unsigned char> out(in.size() / 4 * 3 + 1);
  int n = EVP_DecodeBlock(out.data(),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the bytes that padding stands for; drop them.
  std::size_t padding = 0;
  if (in.back() == '=') ++padding;
  if (in.size() >= 2 && in[in.size() - 2] == '=') ++padding;
  return std::string(reinterpret_cast<char*>(out.data()), n - padding);
}

// The low-level SHA-256, not EVP (nor OpenSSL 3's one-shot SHA256(), which
// goes through EVP): see Sha256Hex in checks/prefix_freshness_check.cpp.
std::array<unsigned char, 32> Digest(std::string_view text) {
  std::array<unsigned char, 32> out{};
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  SHA256_CTX context;
  SHA256_Init(&context);
  SHA256_Update(&context, text.data(), text.size());
  SHA256_Final(out.data(), &context);
#pragma GCC diagnostic pop
  return out;
}

}  // namespace

BasicAuth::BasicAuth(std::map<std::string, std::string> users)
    : users_(std::move(users)),
      // A fixed cost-10 dummy would make unknown users measurably cheaper
      // than wrong passwords whenever the configured hashes use another cost.
      dummy_hash_(users_.empty() ? kDummyHash : users_.begin()->second) {}

std::optional<std::pair<std::string, std::string>> BasicAuth::ParseHeader(
    std::string_view header) {
  constexpr std::string_view kPrefix = "Basic ";
  if (header.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  auto decoded = DecodeBase64(header.substr(kPrefix.size()));
  if (!decoded) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  // crypt() reads the password as a C string: "secret\0junk" would pass
  // as "secret".
  if (decoded->find('\0') != std::string::npos) return std::nullopt;
  return std::make_pair(decoded->substr(0, colon), decoded->substr(colon + 1));
}

bool BasicAuth::Verify(std::string_view header) const {
  if (!enabled()) return true;
  auto creds = ParseHeader(header);
  if (!creds) return false;
  auto it = users_.find(creds->first);
  const bool known = it != users_.end();
  const bool match =
      VerifyCryptHash(creds->second, known ? it->second : dummy_hash_);
  if (!known || !match) return false;
  std::lock_guard lock(cache_->mutex);
  if (cache_->verified.size() >= kVerifiedCacheSize) cache_->verified.clear();
  cache_->verified.insert(Digest(header));
  return true;
}

bool BasicAuth::VerifiedBefore(std::string_view header) const {
  if (!enabled()) return true;
  const auto digest = Digest(header);
  std::lock_guard lock(cache_->mutex);
  return cache_->verified.contains(digest);
}

}  // namespace ipv6ha
