#include "exporter/platform/tls_server_credentials.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <vector>

#include "exporter/platform/bounded_file.h"

namespace ipv6ha {
namespace {

constexpr std::size_t kMaxPemBytes = 1024 * 1024;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Certificate = std::unique_ptr<X509, X509Free>;
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

// OpenSSL's reason for the last error, or `fallback`.
std::string OpenSslReason(const char* fallback) {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return fallback;
  const char* reason = ERR_reason_error_string(e);
  return reason ? reason : fallback;
}

// A passphrase callback that gives none: an encrypted key fails instead of
// OpenSSL asking on the terminal.
int NoPassphrase(char*, int, int, void*) { return 0; }

}  // namespace

struct TlsServerCredentials::Impl {
  std::vector<Certificate> chain;  // leaf first
  Key key;
};

TlsServerCredentials::TlsServerCredentials(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
TlsServerCredentials::~TlsServerCredentials() = default;

Expected<std::shared_ptr<const TlsServerCredentials>>
TlsServerCredentials::Load(const std::string& cert_file,
                           const std::string& key_file) {
  auto cert = ReadBoundedFile(cert_file, kMaxPemBytes);
  if (!cert) return Error{"cert_file " + cert.error().message};
  auto key = ReadBoundedFile(key_file, kMaxPemBytes);
  if (!key) return Error{"key_file " + key.error().message};
  return FromPem(cert->content, key->content, "cert_file " + cert_file,
                 "key_file " + key_file);
}

Expected<std::shared_ptr<const TlsServerCredentials>>
TlsServerCredentials::FromPem(const std::string& cert_pem,
                              const std::string& key_pem,
                              const std::string& cert_name,
                              const std::string& key_name) {
  auto impl = std::make_unique<Impl>();
  ERR_clear_error();
  {
    Bio bio(
        BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
    if (!bio) return Error{cert_name + ": out of memory"};
    while (X509* x =
               PEM_read_bio_X509(bio.get(), nullptr, &NoPassphrase, nullptr)) {
      impl->chain.emplace_back(x);
    }
    ERR_clear_error();  // the end of the file reads as "no start line"
    if (impl->chain.empty()) {
      return Error{cert_name + ": no PEM certificate in it"};
    }
  }
  {
    Bio bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
    if (!bio) return Error{key_name + ": out of memory"};
    impl->key.reset(
        PEM_read_bio_PrivateKey(bio.get(), nullptr, &NoPassphrase, nullptr));
    if (!impl->key) {
      const std::string why = OpenSslReason("no PEM private key in it");
      return Error{key_name + ": " +
                   (why == "bad decrypt" || why == "problems getting password"
                        ? "the key is encrypted; give an unencrypted key"
                        : "no usable PEM private key in it (" + why + ")")};
    }
  }
  if (X509_check_private_key(impl->chain.front().get(), impl->key.get()) != 1) {
    ERR_clear_error();
    return Error{key_name + ": the key does not match the certificate in " +
                 cert_name.substr(cert_name.find(' ') + 1)};
  }
  return std::shared_ptr<const TlsServerCredentials>(
      new TlsServerCredentials(std::move(impl)));
}

Status TlsServerCredentials::Install(ssl_ctx_st* ctx) const {
  if (SSL_CTX_use_certificate(ctx, impl_->chain.front().get()) != 1) {
    return Error{"TLS: cannot use the certificate: " +
                 OpenSslReason("unknown error")};
  }
  SSL_CTX_clear_chain_certs(ctx);
  for (std::size_t i = 1; i < impl_->chain.size(); ++i) {
    if (SSL_CTX_add1_chain_cert(ctx, impl_->chain[i].get()) != 1) {
      return Error{"TLS: cannot add a chain certificate: " +
                   OpenSslReason("unknown error")};
    }
  }
  if (SSL_CTX_use_PrivateKey(ctx, impl_->key.get()) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    return Error{"TLS: cannot use the key: " + OpenSslReason("unknown error")};
  }
  return OkStatus();
}

}  // namespace ipv6ha
