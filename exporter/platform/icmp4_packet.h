#pragma once

// ICMPv4 echo messages as bytes, the IPv4 counterpart of icmp6_packet.h:
// building an echo request and reading what comes back (an echo reply, or
// an error quoting our request). Pure functions on byte strings.
//
// Every request carries the same payload as an ICMPv6 one (cookie, probe
// serial, filler; kEchoPayloadBytes), so EchoMatcher matches both alike.
// Unlike ICMPv6, the checksum is ours to compute (RFC 792), and a raw
// socket delivers each message with its IPv4 header in front. Addresses
// are handed on as IPv4-mapped IPv6 addresses (::ffff:192.0.2.1).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "exporter/platform/icmp6_packet.h"

namespace ipv6ha {

// Serialized ICMPv4 echo request (type 8) with its checksum.
std::string BuildEcho4Request(std::uint16_t identifier, std::uint16_t sequence,
                              std::uint64_t cookie, std::uint64_t serial);

// One message as a raw IPv4 ICMP socket delivers it (starting at the IPv4
// header). nullopt for anything that is not an echo reply or an error
// quoting an ICMPv4 echo request.
std::optional<Icmp6Message> ParseIcmp4Packet(std::string_view bytes);
// The same without the IPv4 header, as a datagram ping socket delivers it.
std::optional<Icmp6Message> ParseIcmp4Message(std::string_view bytes);

// The echo request quoted by an error, as a datagram ping socket returns it
// on its error queue (the request as sent, starting at the ICMP header).
std::optional<Icmp6Message> ParseQuotedEcho4Request(std::string_view bytes);

// "destination unreachable: host unreachable" for an ICMPv4 type and code.
std::string Icmp4ErrorReason(int type, int code);

// The Internet checksum (RFC 1071) of `bytes`.
std::uint16_t InternetChecksum(std::string_view bytes);

}  // namespace ipv6ha
