#include "exporter/platform/icmp6_packet.h"

#include <cstring>

namespace ipv6ha {
namespace {

constexpr std::uint8_t kDestUnreachable = 1;
constexpr std::uint8_t kPacketTooBig = 2;
constexpr std::uint8_t kTimeExceeded = 3;
constexpr std::uint8_t kParameterProblem = 4;
constexpr std::uint8_t kEchoRequest = 128;
constexpr std::uint8_t kEchoReply = 129;
constexpr std::size_t kIpv6HeaderBytes = 40;
constexpr std::uint8_t kNextHeaderIcmp6 = 58;

std::uint16_t Read16(std::string_view b, std::size_t at) {
  return static_cast<std::uint16_t>((static_cast<std::uint8_t>(b[at]) << 8) |
                                    static_cast<std::uint8_t>(b[at + 1]));
}

std::uint64_t Read64(std::string_view b, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i)
    v = (v << 8) | static_cast<std::uint8_t>(b[at + i]);
  return v;
}

void Put64(std::string& b, std::size_t at, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    b[at + i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}

// Fills identifier, sequence and payload fields from an echo header + data.
void ReadEcho(std::string_view b, Icmp6Message& m) {
  m.identifier = Read16(b, 4);
  m.sequence = Read16(b, 6);
  if (b.size() >= kEchoHeaderBytes + 16) {
    m.cookie = Read64(b, kEchoHeaderBytes);
    m.serial = Read64(b, kEchoHeaderBytes + 8);
  }
}

}  // namespace

std::string BuildEchoRequest(std::uint16_t identifier, std::uint16_t sequence,
                             std::uint64_t cookie, std::uint64_t serial) {
  std::string b(kEchoHeaderBytes + kEchoPayloadBytes, '\0');
  b[0] = static_cast<char>(kEchoRequest);
  b[4] = static_cast<char>(identifier >> 8);
  b[5] = static_cast<char>(identifier & 0xff);
  b[6] = static_cast<char>(sequence >> 8);
  b[7] = static_cast<char>(sequence & 0xff);
  Put64(b, kEchoHeaderBytes, cookie);
  Put64(b, kEchoHeaderBytes + 8, serial);
  for (std::size_t i = kEchoHeaderBytes + 16; i < b.size(); ++i) {
    b[i] = static_cast<char>(i);  // recognisable filler, like ping's
  }
  return b;
}

std::string Icmp6ErrorReason(int type, int code) {
  switch (type) {
    case kDestUnreachable: {
      static const char* const kCodes[] = {
          "no route",
          "administratively prohibited",
          "beyond scope of source address",
          "address unreachable",
          "port unreachable",
          "source address failed ingress/egress policy",
          "reject route"};
      const char* what = (code >= 0 && code < 7) ? kCodes[code] : "code ";
      return std::string("destination unreachable: ") + what +
             ((code >= 0 && code < 7) ? "" : std::to_string(code));
    }
    case kPacketTooBig:
      return "packet too big";
    case kTimeExceeded:
      return code == 0 ? "time exceeded: hop limit exceeded in transit"
                       : "time exceeded: fragment reassembly";
    case kParameterProblem:
      return "parameter problem (code " + std::to_string(code) + ")";
    default:
      return "ICMPv6 error type " + std::to_string(type) + " code " +
             std::to_string(code);
  }
}

std::optional<Icmp6Message> ParseQuotedEchoRequest(std::string_view b) {
  if (b.size() < kEchoHeaderBytes ||
      static_cast<std::uint8_t>(b[0]) != kEchoRequest) {
    return std::nullopt;
  }
  Icmp6Message m;
  m.kind = Icmp6Message::Kind::kError;
  ReadEcho(b, m);
  return m;
}

std::optional<Icmp6Message> ParseIcmp6Message(std::string_view b) {
  if (b.size() < kEchoHeaderBytes) return std::nullopt;
  const auto type = static_cast<std::uint8_t>(b[0]);
  const auto code = static_cast<std::uint8_t>(b[1]);
  if (type == kEchoReply) {
    Icmp6Message m;
    m.kind = Icmp6Message::Kind::kEchoReply;
    ReadEcho(b, m);
    return m;
  }
  if (type != kDestUnreachable && type != kPacketTooBig &&
      type != kTimeExceeded && type != kParameterProblem) {
    return std::nullopt;
  }
  // The error quotes as much of the offending packet as fits: its IPv6
  // header, then (without extension headers) our echo request.
  const std::string_view quoted = b.substr(kEchoHeaderBytes);
  if (quoted.size() < kIpv6HeaderBytes + kEchoHeaderBytes) return std::nullopt;
  if (static_cast<std::uint8_t>(quoted[6]) != kNextHeaderIcmp6)
    return std::nullopt;
  auto m = ParseQuotedEchoRequest(quoted.substr(kIpv6HeaderBytes));
  if (!m) return std::nullopt;
  in6_addr dst;
  std::memcpy(&dst, quoted.data() + 24, sizeof dst);
  m->quoted_destination = dst;
  m->reason = Icmp6ErrorReason(type, code);
  return m;
}

}  // namespace ipv6ha
