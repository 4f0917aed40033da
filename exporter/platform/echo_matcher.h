#pragma once

// Matches ICMPv6 echo replies and errors to the requests in flight on one
// socket. A message counts only when identifier, sequence, our cookie and
// probe serial agree and it comes from (or, for an error, quotes) the
// target we sent to; anything else (another program's ping, a reply that
// arrives after its probe timed out and was forgotten) is foreign.
// Pure logic; not thread safe.

#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "exporter/platform/icmp6_packet.h"

namespace ipv6ha {

class EchoMatcher {
 public:
  EchoMatcher(std::uint16_t identifier, std::uint64_t cookie)
      : identifier_(identifier), cookie_(cookie) {}

  struct InFlight {
    std::uint64_t probe_id;  // the caller's handle
    std::uint64_t serial;
    in6_addr target;
  };

  // Picks the next free sequence number and records the request.
  std::uint16_t Add(std::uint64_t probe_id, std::uint64_t serial,
                    const in6_addr& target);
  void Remove(std::uint16_t sequence);
  // The probe a message answers, removing it; nullopt when foreign or late.
  std::optional<std::uint64_t> Match(const Icmp6Message& message,
                                     const in6_addr& from);
  std::size_t size() const { return in_flight_.size(); }

 private:
  std::uint16_t identifier_;
  std::uint64_t cookie_;
  std::uint16_t next_sequence_ = 1;
  std::unordered_map<std::uint16_t, InFlight> in_flight_;
};

}  // namespace ipv6ha
