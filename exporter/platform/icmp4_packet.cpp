#include "exporter/platform/icmp4_packet.h"

#include <netinet/in.h>

#include <cstring>

namespace ipv6ha {
namespace {

constexpr std::uint8_t kEchoReply = 0;
constexpr std::uint8_t kDestUnreachable = 3;
constexpr std::uint8_t kEchoRequest = 8;
constexpr std::uint8_t kTimeExceeded = 11;
constexpr std::uint8_t kParameterProblem = 12;
constexpr std::uint8_t kProtocolIcmp = 1;
constexpr std::size_t kMinIpv4HeaderBytes = 20;

// The IPv4 header's length, or 0 when `b` does not start with one.
std::size_t Ipv4HeaderBytes(std::string_view b) {
  if (b.size() < kMinIpv4HeaderBytes) return 0;
  const auto first = static_cast<std::uint8_t>(b[0]);
  const std::size_t length = (first & 0x0f) * 4u;
  if ((first >> 4) != 4 || length < kMinIpv4HeaderBytes || length > b.size())
    return 0;
  return length;
}

in6_addr Mapped(std::string_view b, std::size_t at) {
  in6_addr a{};
  a.s6_addr[10] = a.s6_addr[11] = 0xff;
  std::memcpy(&a.s6_addr[12], b.data() + at, 4);
  return a;
}

}  // namespace

std::uint16_t InternetChecksum(std::string_view b) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < b.size(); i += 2) {
    sum += (static_cast<std::uint8_t>(b[i]) << 8) |
           static_cast<std::uint8_t>(b[i + 1]);
  }
  if (b.size() % 2 == 1) sum += static_cast<std::uint8_t>(b.back()) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

std::string BuildEcho4Request(std::uint16_t identifier, std::uint16_t sequence,
                              std::uint64_t cookie, std::uint64_t serial) {
  // Same layout as ICMPv6's but for the type; then the checksum.
  std::string b = BuildEchoRequest(identifier, sequence, cookie, serial);
  b[0] = static_cast<char>(kEchoRequest);
  b[2] = b[3] = 0;
  const std::uint16_t sum = InternetChecksum(b);
  b[2] = static_cast<char>(sum >> 8);
  b[3] = static_cast<char>(sum & 0xff);
  return b;
}

std::string Icmp4ErrorReason(int type, int code) {
  switch (type) {
    case kDestUnreachable: {
      static const char* const kCodes[] = {
          "net unreachable",
          "host unreachable",
          "protocol unreachable",
          "port unreachable",
          "fragmentation needed",
          "source route failed",
          "network unknown",
          "host unknown",
          "source host isolated",
          "network administratively prohibited",
          "host administratively prohibited",
          "network unreachable for TOS",
          "host unreachable for TOS",
          "administratively prohibited"};
      constexpr int kKnown = sizeof kCodes / sizeof kCodes[0];
      if (code >= 0 && code < kKnown)
        return std::string("destination unreachable: ") + kCodes[code];
      return "destination unreachable: code " + std::to_string(code);
    }
    case kTimeExceeded:
      return code == 0 ? "time exceeded: TTL exceeded in transit"
                       : "time exceeded: fragment reassembly";
    case kParameterProblem:
      return "parameter problem (code " + std::to_string(code) + ")";
    default:
      return "ICMP error type " + std::to_string(type) + " code " +
             std::to_string(code);
  }
}

std::optional<Icmp6Message> ParseQuotedEcho4Request(std::string_view b) {
  if (b.size() < kEchoHeaderBytes ||
      static_cast<std::uint8_t>(b[0]) != kEchoRequest) {
    return std::nullopt;
  }
  // The fields sit where ICMPv6 has them: read them with its parser.
  std::string as6(b);
  as6[0] = static_cast<char>(128);
  return ParseQuotedEchoRequest(as6);
}

std::optional<Icmp6Message> ParseIcmp4Message(std::string_view b) {
  if (b.size() < kEchoHeaderBytes) return std::nullopt;
  const auto type = static_cast<std::uint8_t>(b[0]);
  const auto code = static_cast<std::uint8_t>(b[1]);
  if (type == kEchoReply) {
    std::string as6(b);
    as6[0] = static_cast<char>(129);
    return ParseIcmp6Message(as6);
  }
  if (type != kDestUnreachable && type != kTimeExceeded &&
      type != kParameterProblem) {
    return std::nullopt;
  }
  // The error quotes the offending packet's IPv4 header and at least the
  // first 8 bytes after it (RFC 792): our echo header, maybe more.
  const std::string_view quoted = b.substr(kEchoHeaderBytes);
  const std::size_t header = Ipv4HeaderBytes(quoted);
  if (header == 0 || static_cast<std::uint8_t>(quoted[9]) != kProtocolIcmp)
    return std::nullopt;
  auto m = ParseQuotedEcho4Request(quoted.substr(header));
  if (!m) return std::nullopt;
  m->quoted_destination = Mapped(quoted, 16);
  m->reason = Icmp4ErrorReason(type, code);
  return m;
}

std::optional<Icmp6Message> ParseIcmp4Packet(std::string_view b) {
  const std::size_t header = Ipv4HeaderBytes(b);
  if (header == 0 || static_cast<std::uint8_t>(b[9]) != kProtocolIcmp)
    return std::nullopt;
  return ParseIcmp4Message(b.substr(header));
}

}  // namespace ipv6ha
