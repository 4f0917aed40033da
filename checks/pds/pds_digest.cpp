#include "checks/pds/pds_digest.h"

#include <openssl/sha.h>

#include <cstdio>

namespace ipv6ha {

std::string Sha256Hex(const std::string& data) {
  // OpenSSL's direct SHA256(), not EVP_Digest: the EVP route loads the
  // provider machinery and its config on first use, which adds 2 MiB to the
  // daemon's resident size for one hash per check run. SHA256() is
  // deprecated in OpenSSL 3 but computes the same digest without it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_CTX context;
  if (SHA256_Init(&context) != 1 ||
      SHA256_Update(&context, data.data(), data.size()) != 1 ||
      SHA256_Final(digest, &context) != 1) {
    return "";
  }
#pragma GCC diagnostic pop
  std::string hex;
  char byte[3];
  for (const unsigned char b : digest) {
    std::snprintf(byte, sizeof(byte), "%02x", b);
    hex += byte;
  }
  return hex;
}

}  // namespace ipv6ha
