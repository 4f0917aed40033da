#pragma once

// A throwaway PKI for TLS tests, made with the real openssl CLI in a
// TempDir: a CA, an unrelated second CA, a server certificate signed by the
// CA for IP:127.0.0.1, IP:::1 and DNS:localhost, and a client certificate
// (CN and DNS SAN "prometheus.test") signed by the CA. EC P-256 keys,
// valid one day.

#include <string>

#include "tests/support/exporter_process.h"

namespace ipv6ha::testing {

struct TestPki {
  std::string ca, ca_key, other_ca, other_ca_key;
  std::string server_cert, server_key;
  std::string client_cert, client_key;
};

// False (and a test failure with openssl's words) when a step fails.
bool MakeTestPki(const TempDir& dir, TestPki& pki);

// Another certificate and key signed by `ca`/`ca_key`, subject CN=`name`,
// with `san` as its subjectAltName ("DNS:x,IP:127.0.0.1"), written to
// `cert`/`key` (replacing what is there, in place).
bool MakeSignedCertificate(const TempDir& dir, const std::string& ca,
                           const std::string& ca_key, const std::string& name,
                           const std::string& san, const std::string& cert,
                           const std::string& key);

// The subject of the certificate a TLS server at 127.0.0.1:port presents,
// as `openssl s_client` prints it (empty when the handshake fails).
std::string ServedSubject(int port);

}  // namespace ipv6ha::testing
