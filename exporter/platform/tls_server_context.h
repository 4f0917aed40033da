#pragma once

// The OpenSSL server context of the exporter's HTTPS endpoints, built from
// the exporter-toolkit settings of tls_server_config: certificate chain and
// key (TlsServerCredentials), protocol versions, TLS 1.2 cipher suites and
// TLS 1.3 suites, key exchange groups, server cipher preference, and client
// certificates (the five client_auth_type policies of Go's crypto/tls, a
// client CA, allowed SANs).
//
// Defaults are those of a current exporter-toolkit: TLS 1.2 to 1.3, ECDHE
// with AEAD ciphers only (no SHA-1 CBC, no RSA key exchange), no client
// certificate. The names accepted are exporter-toolkit's (Go's), mapped to
// OpenSSL's here; a name OpenSSL cannot honour is an error that says so.
//
// Thread safety: the context is immutable once built; connections on the
// HTTP loop create sessions from it while a newer one may replace it.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exporter/base/expected.h"
#include "exporter/platform/tls_server_credentials.h"

struct ssl_ctx_st;  // SSL_CTX

namespace ipv6ha {

enum class ClientAuth {
  kNoClientCert,
  kRequestClientCert,
  kRequireAnyClientCert,
  kVerifyClientCertIfGiven,
  kRequireAndVerifyClientCert,
};

struct TlsServerOptions {
  int min_version = 0x0303;                // TLS 1.2, as TLS1_2_VERSION
  int max_version = 0x0304;                // TLS 1.3
  std::vector<std::string> cipher_suites;  // OpenSSL names, TLS <= 1.2
  std::vector<std::string> tls13_suites;   // OpenSSL names, TLS 1.3
  std::vector<std::string> groups;         // OpenSSL group names
  bool prefer_server_cipher_suites = true;
  ClientAuth client_auth = ClientAuth::kNoClientCert;
  // PEM certificates that sign client certificates; empty: the system's
  // CAs (as Go does without ClientCAs).
  std::string client_ca_pem;
  std::vector<std::string> client_allowed_sans;  // exact DNS/IP/email/URI
};

// Builds the context. Errors name what OpenSSL refused.
Expected<std::shared_ptr<ssl_ctx_st>> BuildTlsServerContext(
    const TlsServerCredentials& credentials, const TlsServerOptions& options);

// exporter-toolkit (Go crypto/tls) names to OpenSSL's, nullopt when the
// name is not one Go knows. A TLS 1.3 suite maps to itself.
std::optional<std::string> OpenSslCipherName(const std::string& go_name);
bool IsTls13Suite(const std::string& openssl_name);
std::optional<std::string> OpenSslGroupName(const std::string& go_name);
// "TLS10".."TLS13" to 0x0301..0x0304.
std::optional<int> TlsVersionNumber(const std::string& go_name);
std::optional<ClientAuth> ParseClientAuth(const std::string& go_name);

// Whether this OpenSSL can use the suite or group (some of Go's are gone
// from OpenSSL 3: RC4, 3DES; the ML-KEM hybrid is newer than OpenSSL 3.0).
Status CheckCipherAvailable(const std::string& openssl_name);
Status CheckGroupAvailable(const std::string& openssl_name);
// At least one PEM certificate in `pem`; the Error says what is wrong.
Status CheckCertificatesPem(const std::string& pem);

}  // namespace ipv6ha
