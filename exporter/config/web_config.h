#pragma once

// The web configuration in Prometheus exporter-toolkit format, the same
// file node_exporter and blackbox_exporter take with --web.config.file (or
// the config's `web:` block):
//
//   tls_server_config: {cert_file, key_file | cert, key (inline PEM),
//     client_auth_type, client_ca_file | client_ca, client_allowed_sans,
//     min_version, max_version, cipher_suites, curve_preferences,
//     prefer_server_cipher_suites}
//   http_server_config: {headers: {...}, http2 (accepted, ignored: this
//     server speaks HTTP/1.1)}
//   basic_auth_users: {user: bcrypt hash}
//   basic_auth_excluded_paths: [/-/healthy, ...]
//   max_connections: N   (ours, not exporter-toolkit's)
//
// Relative paths are taken from the directory of the file that names them,
// as exporter-toolkit does. Every file is read and the whole TLS context
// built while loading, so --check-config, SIGHUP and a rotation refuse a
// bad file with its place and keep what runs. A key of the schema that
// this exporter cannot honour (rate_limit, a cipher or curve this OpenSSL
// lacks) is an error that names it.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "exporter/base/expected.h"
#include "exporter/yaml/config_reader.h"

struct ssl_ctx_st;  // SSL_CTX

namespace ipv6ha {

inline constexpr int kDefaultMaxConnections = 2048;

struct WebConfig {
  // tls_server_config, as written (paths resolved); for display and for
  // knowing which files to watch.
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
  std::string client_auth_type = "NoClientCert";
  std::string min_version = "TLS12";
  std::string max_version = "TLS13";
  // Built from tls_server_config at load; null: plain HTTP.
  std::shared_ptr<ssl_ctx_st> tls_context;
  // http_server_config.headers: name -> value, added to every response.
  std::map<std::string, std::string> headers;
  std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt
  std::vector<std::string> basic_auth_excluded_paths;
  // Open connections at most; beyond it the one idle longest is closed.
  int max_connections = kDefaultMaxConnections;

  bool tls() const { return tls_context != nullptr; }
  // The files it was built from (re-read when they change).
  std::vector<std::string> Files() const;
};

// Reads the web keys of mapping `r` (the config's `web:`, or a whole web
// config file); relative paths are taken from `base_dir`. Errors go to the
// reader, each with file, line and column.
WebConfig ParseWebConfig(ConfigReader& r, const std::string& base_dir);

// Reads a web config file in exporter-toolkit format (--web.config.file).
Expected<WebConfig> LoadWebConfig(const std::string& path);

}  // namespace ipv6ha
