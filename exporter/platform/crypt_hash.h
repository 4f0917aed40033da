#pragma once

// bcrypt hashes as exporter-toolkit's basic_auth_users hold them: the shape
// and cost a config may give (checked when the web config is read), and
// verification with the system crypt() (libxcrypt on Linux, libc on
// FreeBSD), compared in constant time.

#include <string>

#include "exporter/base/expected.h"

namespace ipv6ha {

// The highest bcrypt cost accepted in basic_auth_users. Every request
// computes the hash: cost 12 takes ~250 ms of one core, and each step up
// doubles it (cost 31 would burn a core for days per request).
inline constexpr int kMaxBcryptCost = 12;

// OK when `hash` is a bcrypt hash ($2a$, $2b$ or $2y$, a two-digit cost
// from 4 to kMaxBcryptCost, 53 characters of salt and hash); else an Error
// saying what is wrong ("bcrypt cost 31 is above 12").
Status CheckBcryptHash(const std::string& hash);

// True when crypt(password, hash) reproduces `hash`, compared in constant time.
bool VerifyCryptHash(const std::string& password, const std::string& hash);

}  // namespace ipv6ha
