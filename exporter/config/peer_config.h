#pragma once

// The top-level `peer:` section: who the HA peer is and how to reach its
// exporter's API, including https (tls:) and basic auth (basic_auth:).
//
//   peer:
//     address: "fd03:17ac:e938:10::2"
//     api: "https://[fd03:17ac:e938:10::2]:9646"
//     timeout: 1s
//     tls: {ca_file: /etc/ipv6_ha_exporter/peer-ca.pem, server_name: fw2,
//           cert_file: /etc/ipv6_ha_exporter/fw1.pem,   # mTLS: both
//           key_file: /etc/ipv6_ha_exporter/fw1.key,    # or neither
//           insecure_skip_verify: false}
//     basic_auth: {username: fw1, password_file:
//     /etc/ipv6_ha_exporter/peer.pass}
//
// The CA file, the client certificate and key and the password file are
// read while the config loads (and
// again on every reload), so a missing or unreadable file is a config error
// with its line and column, not a failing check at 3 am.

#include <string>

#include "exporter/platform/http_client.h"
#include "exporter/yaml/config_reader.h"

namespace ipv6ha {

struct PeerConfig {
  std::string name;  // optional display name
  // Probed by peer_reachability: IPv6 or IPv4, a literal or a name.
  std::string address;
  std::string api;  // base URL of the peer's exporter
  Duration timeout{std::chrono::seconds(1)};
  TlsClientConfig tls;              // peer.tls, for an https:// api
  std::string basic_auth_username;  // peer.basic_auth.username
  std::string basic_auth_password_file;
  // Built from the above at load: the TLS context (https:// api only) and
  // the credentials, password read from its file.
  HttpFetchOptions fetch;
};

// Reads `peer:`; records every problem in the reader's errors.
PeerConfig ParsePeerConfig(ConfigReader& r);

// A secret kept in a file of its own: the whole file, one trailing newline
// ("\n" or "\r\n") removed, as echo and editors leave it. Errors name the
// file: missing, unreadable, empty, larger than 4 KiB, or several lines.
Expected<std::string> ReadSecretFile(const std::string& path);

}  // namespace ipv6ha
