#include "exporter/config/listen_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace ipv6ha {
namespace {

bool IsIpv4(const std::string& s) {
  in_addr a{};
  return inet_pton(AF_INET, s.c_str(), &a) == 1;
}
bool IsIpv6(const std::string& s) {
  in6_addr a{};
  return inet_pton(AF_INET6, s.c_str(), &a) == 1;
}

}  // namespace

Expected<ListenAddress> ParseListenAddress(const std::string& listen) {
  const std::string bad = "listen address \"" + listen +
                          "\" must be HOST:PORT with an IP literal, e.g. "
                          "[::]:9646 or 127.0.0.1:9646";
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return Error{bad};
  std::string host = listen.substr(0, colon);
  std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535) {
    return Error{bad};
  }
  ListenAddress out;
  out.port = std::stoi(port);
  if (host.empty() || host == "[::]") {
    // Like Go's net.Listen, the wildcard is dual-stack.
    return out;
  }
  if (host.front() == '[' && host.back() == ']') {
    out.ip = host.substr(1, host.size() - 2);
    if (!IsIpv6(out.ip)) return Error{bad};
    return out;
  }
  if (!IsIpv4(host)) return Error{bad};
  out.ip = host;
  return out;
}

}  // namespace ipv6ha
