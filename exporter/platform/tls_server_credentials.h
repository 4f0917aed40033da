#pragma once

// The server side of TLS for the exporter's own endpoints: the certificate
// chain and private key of tls_server_config (cert_file, key_file), read
// through ReadBoundedFile (regular files only, size-checked, never
// blocking) and parsed in memory. The config loader loads them to refuse a
// missing, garbage or mismatched pair at --check-config and SIGHUP; the
// HTTP server's context (tls_server_context.h) installs them into its
// SSL_CTX, so OpenSSL never opens the files itself.
//
// Thread safety: immutable after Load(); Install may be called from any
// thread.

#include <memory>
#include <string>

#include "exporter/base/expected.h"

struct ssl_ctx_st;  // SSL_CTX

namespace ipv6ha {

class TlsServerCredentials {
 public:
  // Errors start with "cert_file PATH: " or "key_file PATH: " and say what
  // is wrong: "no PEM certificate in it", "the key does not match the
  // certificate", "the key is encrypted; give an unencrypted key".
  static Expected<std::shared_ptr<const TlsServerCredentials>> Load(
      const std::string& cert_file, const std::string& key_file);
  // The same from PEM text (tls_server_config's inline cert and key);
  // `cert_name` and `key_name` start the errors ("cert", "key_file X").
  static Expected<std::shared_ptr<const TlsServerCredentials>> FromPem(
      const std::string& cert_pem, const std::string& key_pem,
      const std::string& cert_name, const std::string& key_name);
  ~TlsServerCredentials();
  TlsServerCredentials(const TlsServerCredentials&) = delete;
  TlsServerCredentials& operator=(const TlsServerCredentials&) = delete;

  // Makes `ctx` present this chain and key.
  Status Install(ssl_ctx_st* ctx) const;

  struct Impl;

 private:
  explicit TlsServerCredentials(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ipv6ha
