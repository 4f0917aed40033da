#pragma once

// A 128-bit IPv6 prefix (address + length) with the arithmetic NPTv6 needs:
// parsing, canonical formatting, containment and numbered subnets. Pure value
// type; no OS calls beyond inet_pton/inet_ntop, thread safe.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "exporter/base/expected.h"

namespace ipv6ha {

using Ipv6Bytes = std::array<std::uint8_t, 16>;

class Ipv6Prefix {
 public:
  Ipv6Prefix() = default;
  // Bits beyond `length` are cleared: a prefix is its network part.
  Ipv6Prefix(const Ipv6Bytes& address, int length);

  // "2001:db8:1::/56". The length is required and must be 0..128; host bits
  // after the length are cleared ("2001:db8::1/64" -> "2001:db8::/64").
  static Expected<Ipv6Prefix> Parse(std::string_view text);
  // An address with an optional "/len" (none = /128).
  static Expected<Ipv6Prefix> ParseAddressOrPrefix(std::string_view text);
  // A bare address ("fd00::1", no length).
  static Expected<Ipv6Bytes> ParseAddress(std::string_view text);

  const Ipv6Bytes& address() const { return address_; }
  int length() const { return length_; }

  // RFC 5952 text: "2001:db8:1:10::/64".
  std::string ToString() const;

  // True when `other` (prefix or address as /128) lies inside this prefix.
  bool Contains(const Ipv6Prefix& other) const;
  bool Contains(const Ipv6Bytes& address) const;

  // Subnet number `index` of length `new_length` inside this prefix, e.g.
  // 2001:db8:0:10::/60 subnet 3 of length 64 = 2001:db8:0:13::/64. Errors
  // when new_length is shorter than this prefix or above 128, or when index
  // does not fit in the (new_length - length) bits between them.
  Expected<Ipv6Prefix> Subnet(std::uint64_t index, int new_length) const;

  friend bool operator==(const Ipv6Prefix&, const Ipv6Prefix&) = default;
  friend auto operator<=>(const Ipv6Prefix&, const Ipv6Prefix&) = default;

 private:
  Ipv6Bytes address_{};
  int length_ = 0;
};

}  // namespace ipv6ha
