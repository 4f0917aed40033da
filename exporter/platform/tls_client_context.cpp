#include "exporter/platform/tls_client_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ipv6ha {

std::string TakeOpenSslError(const std::string& fallback) {
  std::string out;
  while (const unsigned long e = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(e);
    if (!out.empty()) out += "; ";
    out += reason != nullptr ? reason : "OpenSSL error " + std::to_string(e);
  }
  return out.empty() ? fallback : out;
}

Expected<std::shared_ptr<const TlsClientContext>> TlsClientContext::Create(
    const TlsClientConfig& config) {
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) {
    return Error{"cannot create a TLS context: " +
                 TakeOpenSslError("out of memory")};
  }
  // Owned from here on, also on the error paths below.
  std::shared_ptr<const TlsClientContext> owned(
      new TlsClientContext(config, ctx));
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // HTTP/1.0 with "Connection: close" ends the body at the end of the
  // stream; civetweb closes without close_notify, which OpenSSL 3 would
  // otherwise report as an error after a complete reply.
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_mode(
      ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (config.insecure_skip_verify) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    return owned;
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (!config.ca_file.empty()) {
    // OpenSSL's own message for a missing file is "system lib"; say why.
    if (std::FILE* f = std::fopen(config.ca_file.c_str(), "r")) {
      std::fclose(f);
    } else {
      return Error{"cannot read CA file " + config.ca_file + ": " +
                   std::strerror(errno)};
    }
    if (SSL_CTX_load_verify_locations(ctx, config.ca_file.c_str(), nullptr) !=
        1) {
      return Error{"cannot load CA certificates from " + config.ca_file + ": " +
                   TakeOpenSslError("unknown error")};
    }
  } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
    return Error{"cannot load the system's CA certificates: " +
                 TakeOpenSslError("unknown error")};
  }
  return owned;
}

TlsClientContext::~TlsClientContext() { SSL_CTX_free(ctx_); }

}  // namespace ipv6ha
