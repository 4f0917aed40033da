#include "exporter/listen_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <civetweb.h>

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

Expected<std::string> CivetListeningPort(const std::string& listen, bool tls) {
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
  std::string out;
  if (host.empty() || host == "[::]") {
    // Like Go's net.Listen, the wildcard is dual-stack: civetweb's "+PORT"
    // binds IPv6 [::] and IPv4 0.0.0.0 ("[::]:PORT" would be IPv6-only).
    out = "+" + port;
  } else if (host.front() == '[' && host.back() == ']') {
    if (!IsIpv6(host.substr(1, host.size() - 2))) return Error{bad};
    if (mg_check_feature(8) == 0) {
      return Error{"cannot listen on " + listen +
                   ": this civetweb library was built without IPv6; run "
                   "scripts/install-deps.sh or listen on an IPv4 address"};
    }
    out = host + ":" + port;
  } else if (IsIpv4(host)) {
    out = host + ":" + port;
  } else {
    return Error{bad};
  }
  return tls ? out + "s" : out;
}

}  // namespace ipv6ha
