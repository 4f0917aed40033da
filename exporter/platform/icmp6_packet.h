#pragma once

// ICMPv6 echo messages as bytes: building an echo request and reading what
// comes back (an echo reply, or an error quoting our request). Pure
// functions on byte strings; the socket code and the tests share them.
//
// Layout of every request we send (RFC 4443 4.1): type 128, code 0,
// checksum (the kernel fills it), identifier, sequence, then our payload:
// an 8-byte cookie naming the prober instance and an 8-byte probe serial,
// padded to kEchoPayloadBytes like ping's default 56 bytes.

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ipv6ha {

inline constexpr std::size_t kEchoPayloadBytes = 56;
inline constexpr std::size_t kEchoHeaderBytes = 8;

// Serialized echo request (header + payload), network byte order.
std::string BuildEchoRequest(std::uint16_t identifier, std::uint16_t sequence,
                             std::uint64_t cookie, std::uint64_t serial);

struct Icmp6Message {
  enum class Kind {
    kEchoReply,  // an answer to one of our requests (check the fields)
    kError,      // destination unreachable, time exceeded, too big, ...
  };
  Kind kind = Kind::kEchoReply;
  // For an echo reply: its fields. For an error: the fields of the echo
  // request it quotes (when the quote reaches that far).
  std::uint16_t identifier = 0;
  std::uint16_t sequence = 0;
  std::optional<std::uint64_t> cookie;  // from the payload, when present
  std::optional<std::uint64_t> serial;
  // For an error: the destination of the quoted packet, and why it failed.
  std::optional<in6_addr> quoted_destination;
  std::string reason;
};

// Reads one message as a raw ICMPv6 socket delivers it (starting at the
// ICMPv6 header). nullopt for anything that is not an echo reply or an
// error quoting an ICMPv6 echo request: those are not ours to match.
std::optional<Icmp6Message> ParseIcmp6Message(std::string_view bytes);

// The echo request quoted by an error, as a datagram ping socket returns it
// on its error queue (the request as sent, starting at the ICMPv6 header).
std::optional<Icmp6Message> ParseQuotedEchoRequest(std::string_view bytes);

// "destination unreachable: no route" for an ICMPv6 error type and code.
std::string Icmp6ErrorReason(int type, int code);

}  // namespace ipv6ha
