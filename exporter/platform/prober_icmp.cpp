// The ICMP side of the prober's engine: one echo socket per family,
// source and interface, echoes sent on it and replies (or ICMP errors)
// matched back to their probe.

#include <cerrno>

#include "exporter/platform/prober_engine.h"

namespace ipv6ha {

// One socket per family, source and interface.
std::string Prober::Engine::EndpointKey(const ProbeSpec& spec) {
  const bool v4 = IsIpv4Mapped(spec.target.sin6_addr);
  return (v4 ? "4|" : "") + spec.source + "%" + spec.interface;
}

Expected<Prober::Engine::IcmpEndpoint*> Prober::Engine::Endpoint(
    const ProbeSpec& spec) {
  const bool v4 = IsIpv4Mapped(spec.target.sin6_addr);
  const std::string key = EndpointKey(spec);
  auto it = icmp_by_key.find(key);
  if (it != icmp_by_key.end()) return it->second.get();
  auto open = [&](auto opened) -> Expected<std::unique_ptr<IcmpEndpoint>> {
    if (!opened) return opened.error();
    const std::uint16_t identifier = opened->identifier();
    return std::make_unique<IcmpEndpoint>(
        IcmpEndpoint{std::move(*opened), EchoMatcher(identifier, cookie)});
  };
  const InterfaceBinding binding = options.interface_binding;
  auto made = v4 ? open(Icmp4Socket::Open(options.icmp_socket, spec.source,
                                          spec.interface, binding))
                 : open(Icmp6Socket::Open(options.icmp_socket, spec.source,
                                          spec.interface, binding));
  if (!made) return made.error();
  auto ep = std::move(*made);
  auto added = poller.Add(ep->fd(), EventPoller::kReadable);
  if (!added) return added.error();
  IcmpEndpoint* raw = ep.get();
  icmp_by_fd[raw->fd()] = raw;
  icmp_by_key[key] = std::move(ep);
  return raw;
}

void Prober::Engine::DropEndpoint(const ProbeSpec& spec) {
  auto it = icmp_by_key.find(EndpointKey(spec));
  if (it == icmp_by_key.end()) return;
  const int fd = it->second->fd();
  poller.Remove(fd);
  icmp_by_fd.erase(fd);
  icmp_by_key.erase(it);
}

bool Prober::Engine::StartIcmp(const Request& r, std::uint64_t id, Pending& p) {
  auto ep = Endpoint(r.spec);
  if (!ep) {
    p.done({ProbeResult::kError, {}, ep.error().message});
    return false;
  }
  const std::uint64_t serial = next_serial++;
  const std::uint16_t seq =
      (*ep)->matcher.Add(id, serial, r.spec.target.sin6_addr);
  auto sent = (*ep)->Send(r.spec.target, seq, cookie, serial);
  if (!sent) {
    (*ep)->matcher.Remove(seq);
    // The source chosen when the socket opened is gone (a WAN was
    // renumbered): the next probe opens a fresh socket and chooses
    // again. Other errors keep the socket: on a datagram socket a
    // pending ICMP error of another target also fails a send.
    if ((*ep)->last_send_errno() == EADDRNOTAVAIL) {
      DropEndpoint(r.spec);
    }
    p.done({ProbeResult::kFailure, {}, "cannot send: " + sent.error().message});
    return false;
  }
  ++sent_count;
  p.icmp_fd = (*ep)->fd();
  p.sequence = seq;
  p.sent_wall = *sent;
  return true;
}

void Prober::Engine::ReceiveIcmp(IcmpEndpoint& endpoint) {
  for (auto& got : endpoint.Receive()) {
    auto id = endpoint.matcher.Match(got.message, got.from);
    if (!id) {
      ++ignored;
      continue;
    }
    ++matched;
    auto& p = pending.at(*id);
    if (got.message.kind == Icmp6Message::Kind::kEchoReply) {
      const auto rtt =
          std::max(std::chrono::nanoseconds(0),
                   std::chrono::duration_cast<std::chrono::nanoseconds>(
                       got.at - p.sent_wall));
      Complete(*id, {ProbeResult::kSuccess, rtt, ""});
    } else {
      Complete(*id, {ProbeResult::kFailure,
                     {},
                     got.message.reason + " (from " +
                         FormatProbeAddress(got.from) + ")"});
    }
  }
}

}  // namespace ipv6ha
