#include "exporter/platform/echo_matcher.h"

#include <cstring>

namespace ipv6ha {

std::uint16_t EchoMatcher::Add(std::uint64_t probe_id, std::uint64_t serial,
                               const in6_addr& target) {
  // 65,535 probes in flight on one socket would be needed to wrap onto a
  // live entry; skip any that are still in use anyway.
  while (in_flight_.count(next_sequence_) != 0) ++next_sequence_;
  const std::uint16_t sequence = next_sequence_++;
  in_flight_[sequence] = {probe_id, serial, target};
  return sequence;
}

void EchoMatcher::Remove(std::uint16_t sequence) { in_flight_.erase(sequence); }

std::optional<std::uint64_t> EchoMatcher::Match(const Icmp6Message& message,
                                                const in6_addr& from) {
  if (message.identifier != identifier_) return std::nullopt;
  auto it = in_flight_.find(message.sequence);
  if (it == in_flight_.end()) return std::nullopt;
  const InFlight& f = it->second;
  if (message.cookie &&
      (*message.cookie != cookie_ || message.serial != f.serial)) {
    return std::nullopt;
  }
  if (message.kind == Icmp6Message::Kind::kEchoReply) {
    if (std::memcmp(&from, &f.target, sizeof from) != 0) return std::nullopt;
  } else if (message.quoted_destination &&
             std::memcmp(&*message.quoted_destination, &f.target,
                         sizeof from) != 0) {
    return std::nullopt;
  }
  const std::uint64_t id = f.probe_id;
  in_flight_.erase(it);
  return id;
}

}  // namespace ipv6ha
