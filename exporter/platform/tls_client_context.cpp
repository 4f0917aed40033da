#include "exporter/platform/tls_client_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "exporter/platform/bounded_file.h"
#include "exporter/platform/tls_server_credentials.h"
#include "exporter/text/join.h"

namespace ipv6ha {

std::string TakeOpenSslError(const std::string& fallback) {
  std::vector<std::string> reasons;
  while (const unsigned long e = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(e);
    reasons.push_back(reason != nullptr ? reason
                                        : "OpenSSL error " + std::to_string(e));
  }
  return reasons.empty() ? fallback : Join(reasons, "; ");
}

namespace {

constexpr std::size_t kMaxCaFileBytes = 1024 * 1024;

// Reads the CA file ourselves, bounded and regular files only (a FIFO or
// /dev/zero named by mistake must not hang the config load), then adds
// every certificate in it to the context's trust store.
Status LoadCaFile(SSL_CTX* ctx, const std::string& path) {
  auto file = ReadBoundedFile(path, kMaxCaFileBytes);
  if (!file)
    return Error{"cannot read CA certificates: " + file.error().message};
  BIO* bio = BIO_new_mem_buf(file->content.data(),
                             static_cast<int>(file->content.size()));
  STACK_OF(X509_INFO)* infos =
      bio ? PEM_X509_INFO_read_bio(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  int added = 0;
  for (int i = 0; infos != nullptr && i < sk_X509_INFO_num(infos); ++i) {
    X509_INFO* info = sk_X509_INFO_value(infos, i);
    if (info->x509 != nullptr && X509_STORE_add_cert(store, info->x509) == 1) {
      ++added;
    }
  }
  sk_X509_INFO_pop_free(infos, X509_INFO_free);
  if (added == 0) {
    return Error{"cannot load CA certificates from " + path + ": " +
                 TakeOpenSslError("no PEM certificate in the file")};
  }
  ERR_clear_error();
  return OkStatus();
}

}  // namespace

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
  // stream; a peer running an older version (civetweb) closes without
  // close_notify, which OpenSSL 3 would otherwise report as an error after
  // a complete reply.
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_mode(
      ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (!config.cert_file.empty()) {
    // Read and matched as the server's own (bounded, in memory).
    auto credentials =
        TlsServerCredentials::Load(config.cert_file, config.key_file);
    if (!credentials) return credentials.error();
    if (Status st = (*credentials)->Install(ctx); !st) return st.error();
  }
  if (config.insecure_skip_verify) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    return owned;
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (!config.ca_file.empty()) {
    if (auto loaded = LoadCaFile(ctx, config.ca_file); !loaded) {
      return loaded.error();
    }
  } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
    return Error{"cannot load the system's CA certificates: " +
                 TakeOpenSslError("unknown error")};
  }
  return owned;
}

TlsClientContext::~TlsClientContext() { SSL_CTX_free(ctx_); }

}  // namespace ipv6ha
