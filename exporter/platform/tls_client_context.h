#pragma once

// The client side of TLS for the peer API: one OpenSSL SSL_CTX built from a
// tls_config (as Prometheus' tls_config: ca_file, cert_file, key_file,
// server_name, insecure_skip_verify), TLS 1.2 at least, certificate
// verification on unless explicitly skipped, and a client certificate when
// one is given. Built once per config load, so the CA file is
// read at load and at reload (SIGHUP), not on every fetch.
//
// Thread safety: immutable after Create(); connections on several threads
// may share one context (OpenSSL allows SSL_new on a shared SSL_CTX).

#include <memory>
#include <string>

#include "exporter/base/expected.h"

struct ssl_ctx_st;  // SSL_CTX, without pulling <openssl/ssl.h> into headers

namespace ipv6ha {

struct TlsClientConfig {
  // PEM file of the CA(s) that sign the peer's certificate; empty: the
  // system's default trust store.
  std::string ca_file;
  // The name (DNS name or IP literal) the certificate must carry; empty:
  // the host of the URL.
  std::string server_name;
  // Accept any certificate. For tests and emergencies only: anyone on the
  // sync link can then impersonate the peer.
  bool insecure_skip_verify = false;
  // A client certificate (chain, leaf first) and its key, PEM, for a peer
  // whose web config asks for one (client_auth_type
  // RequireAndVerifyClientCert): mTLS. Both or neither.
  std::string cert_file;
  std::string key_file;
};

class TlsClientContext {
 public:
  // Errors name the file and OpenSSL's reason ("cannot load CA certificates
  // from /etc/x.pem: no certificate or crl found"); a client certificate's
  // start "cert_file PATH: " or "key_file PATH: ".
  static Expected<std::shared_ptr<const TlsClientContext>> Create(
      const TlsClientConfig& config);
  ~TlsClientContext();
  TlsClientContext(const TlsClientContext&) = delete;
  TlsClientContext& operator=(const TlsClientContext&) = delete;

  const TlsClientConfig& config() const { return config_; }
  ssl_ctx_st* native() const { return ctx_; }

 private:
  TlsClientContext(TlsClientConfig config, ssl_ctx_st* ctx)
      : config_(std::move(config)), ctx_(ctx) {}

  TlsClientConfig config_;
  ssl_ctx_st* ctx_;
};

// OpenSSL's error queue as one sentence fragment (and cleared), or
// `fallback` when it is empty.
std::string TakeOpenSslError(const std::string& fallback);

}  // namespace ipv6ha
