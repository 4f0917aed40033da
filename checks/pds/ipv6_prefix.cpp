#include "checks/pds/ipv6_prefix.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>

namespace ipv6ha {
namespace {

void ClearHostBits(Ipv6Bytes& bytes, int length) {
  for (int i = 0; i < 16; ++i) {
    const int bits_kept = std::min(8, std::max(0, length - i * 8));
    const std::uint8_t mask =
        bits_kept == 0 ? 0 : static_cast<std::uint8_t>(0xFF << (8 - bits_kept));
    bytes[i] &= mask;
  }
}

std::string Quoted(std::string_view text) {
  std::string shown(text.substr(0, 80));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return "\"" + shown + (text.size() > 80 ? "...\"" : "\"");
}

}  // namespace

Ipv6Prefix::Ipv6Prefix(const Ipv6Bytes& address, int length)
    : address_(address), length_(std::clamp(length, 0, 128)) {
  ClearHostBits(address_, length_);
}

Expected<Ipv6Bytes> Ipv6Prefix::ParseAddress(std::string_view text) {
  // inet_pton needs a NUL-terminated string; the longest valid text form
  // (IPv4-mapped with full groups) is 45 characters.
  if (text.empty() || text.size() > 45) {
    return Error{"not an IPv6 address: " + Quoted(text)};
  }
  std::string copy(text);
  Ipv6Bytes bytes{};
  if (inet_pton(AF_INET6, copy.c_str(), bytes.data()) != 1) {
    return Error{"not an IPv6 address: " + Quoted(text)};
  }
  return bytes;
}

Expected<Ipv6Prefix> Ipv6Prefix::Parse(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return Error{"not an IPv6 prefix (no /length): " + Quoted(text)};
  }
  return ParseAddressOrPrefix(text);
}

Expected<Ipv6Prefix> Ipv6Prefix::ParseAddressOrPrefix(std::string_view text) {
  const auto slash = text.find('/');
  int length = 128;
  if (slash != std::string_view::npos) {
    std::string_view len_text = text.substr(slash + 1);
    const char* end = len_text.data() + len_text.size();
    auto [ptr, ec] = std::from_chars(len_text.data(), end, length);
    if (len_text.empty() || len_text.size() > 3 || ec != std::errc() ||
        ptr != end || length < 0 || length > 128) {
      return Error{"not an IPv6 prefix (length must be 0..128): " +
                   Quoted(text)};
    }
  }
  auto address = ParseAddress(text.substr(0, slash));
  if (!address) {
    return Error{"not an IPv6 prefix: " + Quoted(text)};
  }
  return Ipv6Prefix(*address, length);
}

std::string Ipv6Prefix::ToString() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, address_.data(), buffer, sizeof(buffer));
  return std::string(buffer) + "/" + std::to_string(length_);
}

bool Ipv6Prefix::Contains(const Ipv6Bytes& address) const {
  return Contains(Ipv6Prefix(address, 128));
}

bool Ipv6Prefix::Contains(const Ipv6Prefix& other) const {
  if (other.length_ < length_) return false;
  Ipv6Bytes masked = other.address_;
  ClearHostBits(masked, length_);
  return masked == address_;
}

Expected<Ipv6Prefix> Ipv6Prefix::Subnet(std::uint64_t index,
                                        int new_length) const {
  if (new_length < length_ || new_length > 128) {
    return Error{"a subnet of " + ToString() + " must have a length between " +
                 std::to_string(length_) + " and 128, not " +
                 std::to_string(new_length)};
  }
  const int bits = new_length - length_;
  if (bits < 64 && index >= (std::uint64_t{1} << bits)) {
    return Error{"subnet number " + std::to_string(index) +
                 " does not fit in " + ToString() + " split into /" +
                 std::to_string(new_length) + " (" + std::to_string(bits) +
                 " bits: 0.." + std::to_string((std::uint64_t{1} << bits) - 1) +
                 ")"};
  }
  // Write `index` into bit positions [length_, new_length), most significant
  // bit first.
  Ipv6Bytes out = address_;
  for (int i = 0; i < bits && i < 64; ++i) {
    const int bit = new_length - 1 - i;
    if ((index >> i) & 1U) {
      out[bit / 8] |= static_cast<std::uint8_t>(0x80 >> (bit % 8));
    }
  }
  return Ipv6Prefix(out, new_length);
}

}  // namespace ipv6ha
