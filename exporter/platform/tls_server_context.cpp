#include "exporter/platform/tls_server_context.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <map>
#include <string_view>

#include "exporter/platform/tls_client_context.h"

namespace ipv6ha {
namespace {

// TLS 1.2 and below when cipher_suites is empty: ECDHE, AEAD only.
constexpr char kDefaultCiphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
// Sessions kept for resumption: bounded, so a handshake flood cannot grow it.
constexpr long kSessionCacheSize = 256;

// Go's crypto/tls names (tls.CipherSuites() and tls.InsecureCipherSuites()).
const std::map<std::string, std::string, std::less<>>& CipherNames() {
  static const std::map<std::string, std::string, std::less<>> kNames = {
      {"TLS_RSA_WITH_RC4_128_SHA", "RC4-SHA"},
      {"TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA"},
      {"TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA"},
      {"TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA"},
      {"TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256"},
      {"TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256"},
      {"TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384"},
      {"TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "ECDHE-ECDSA-RC4-SHA"},
      {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"},
      {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"},
      {"TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE-RSA-RC4-SHA"},
      {"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA-DES-CBC3-SHA"},
      {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"},
      {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"},
      {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256"},
      {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256"},
      {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
      {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
       "ECDHE-ECDSA-AES128-GCM-SHA256"},
      {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
      {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
       "ECDHE-ECDSA-AES256-GCM-SHA384"},
      {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
       "ECDHE-RSA-CHACHA20-POLY1305"},
      {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
       "ECDHE-ECDSA-CHACHA20-POLY1305"},
      {"TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"},
      {"TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384"},
      {"TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256"},
  };
  return kNames;
}

struct CtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};

// The options a context's verify callback needs, kept with the context.
int SettingsIndex() {
  static const int index = SSL_CTX_get_ex_new_index(
      0, nullptr, nullptr, nullptr,
      [](void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
        // Takes back what SSL_CTX_set_ex_data was given, and frees it.
        const std::unique_ptr<TlsServerOptions> owned(
            static_cast<TlsServerOptions*>(ptr));
      });
  return index;
}

bool SanMatches(const GENERAL_NAME* name, const std::string& wanted) {
  if (name->type == GEN_DNS || name->type == GEN_EMAIL ||
      name->type == GEN_URI) {
    const ASN1_IA5STRING* s = name->d.ia5;
    return std::string_view(reinterpret_cast<const char*>(s->data),
                            static_cast<std::size_t>(s->length)) == wanted;
  }
  if (name->type != GEN_IPADD) return false;
  const ASN1_OCTET_STRING* ip = name->d.iPAddress;
  char text[INET6_ADDRSTRLEN] = {};
  const int family = ip->length == 4 ? AF_INET : AF_INET6;
  if ((ip->length != 4 && ip->length != 16) ||
      inet_ntop(family, ip->data, text, sizeof(text)) == nullptr) {
    return false;
  }
  unsigned char want[16];
  char normal[INET6_ADDRSTRLEN] = {};
  if (inet_pton(family, wanted.c_str(), want) != 1 ||
      inet_ntop(family, want, normal, sizeof(normal)) == nullptr) {
    return false;
  }
  return std::string_view(text) == normal;
}

bool CertificateHasAllowedSan(X509* cert,
                              const std::vector<std::string>& sans) {
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  bool found = false;
  for (int i = 0; names != nullptr && !found && i < sk_GENERAL_NAME_num(names);
       ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    for (const auto& wanted : sans) found = found || SanMatches(name, wanted);
  }
  GENERAL_NAMES_free(names);
  return found;
}

// Accepts what the client auth policy accepts; checks the leaf's SANs.
int VerifyClient(int preverify_ok, X509_STORE_CTX* store) {
  auto* ssl = static_cast<SSL*>(
      X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  const auto* options = static_cast<const TlsServerOptions*>(
      SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), SettingsIndex()));
  const bool verify =
      options->client_auth == ClientAuth::kVerifyClientCertIfGiven ||
      options->client_auth == ClientAuth::kRequireAndVerifyClientCert;
  if (verify && preverify_ok != 1) return 0;
  if (X509_STORE_CTX_get_error_depth(store) != 0 ||
      options->client_allowed_sans.empty()) {
    return 1;
  }
  return CertificateHasAllowedSan(X509_STORE_CTX_get_current_cert(store),
                                  options->client_allowed_sans)
             ? 1
             : 0;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ":") + s;
  return out;
}

Status LoadClientCa(SSL_CTX* ctx, const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  STACK_OF(X509_INFO)* infos =
      bio ? PEM_X509_INFO_read_bio(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
  int added = 0;
  for (int i = 0; infos != nullptr && i < sk_X509_INFO_num(infos); ++i) {
    X509* x = sk_X509_INFO_value(infos, i)->x509;
    if (x == nullptr || X509_STORE_add_cert(store, x) != 1) continue;
    ++added;
    if (X509_NAME* n = X509_NAME_dup(X509_get_subject_name(x))) {
      sk_X509_NAME_push(names, n);
    }
  }
  sk_X509_INFO_pop_free(infos, X509_INFO_free);
  SSL_CTX_set_client_CA_list(ctx, names);  // owns `names`
  ERR_clear_error();
  if (added == 0) return Error{"no PEM certificate in the client CA"};
  return OkStatus();
}

// One throwaway context to ask OpenSSL whether it knows a name.
std::unique_ptr<SSL_CTX, CtxFree> ProbeContext() {
  return std::unique_ptr<SSL_CTX, CtxFree>(SSL_CTX_new(TLS_server_method()));
}

}  // namespace

std::optional<std::string> OpenSslCipherName(const std::string& go_name) {
  auto it = CipherNames().find(go_name);
  if (it == CipherNames().end()) return std::nullopt;
  return it->second;
}

bool IsTls13Suite(const std::string& name) {
  return name.rfind("TLS_", 0) == 0;
}

std::optional<std::string> OpenSslGroupName(const std::string& go_name) {
  static const std::map<std::string, std::string, std::less<>> kGroups = {
      {"CurveP256", "P-256"},
      {"CurveP384", "P-384"},
      {"CurveP521", "P-521"},
      {"X25519", "X25519"},
      {"X25519MLKEM768", "X25519MLKEM768"}};
  auto it = kGroups.find(go_name);
  if (it == kGroups.end()) return std::nullopt;
  return it->second;
}

std::optional<int> TlsVersionNumber(const std::string& go_name) {
  static const std::map<std::string, int, std::less<>> kVersions = {
      {"TLS10", TLS1_VERSION},
      {"TLS11", TLS1_1_VERSION},
      {"TLS12", TLS1_2_VERSION},
      {"TLS13", TLS1_3_VERSION}};
  auto it = kVersions.find(go_name);
  if (it == kVersions.end()) return std::nullopt;
  return it->second;
}

std::optional<ClientAuth> ParseClientAuth(const std::string& go_name) {
  static const std::map<std::string, ClientAuth, std::less<>> kPolicies = {
      {"NoClientCert", ClientAuth::kNoClientCert},
      {"RequestClientCert", ClientAuth::kRequestClientCert},
      {"RequireAnyClientCert", ClientAuth::kRequireAnyClientCert},
      {"VerifyClientCertIfGiven", ClientAuth::kVerifyClientCertIfGiven},
      {"RequireAndVerifyClientCert", ClientAuth::kRequireAndVerifyClientCert}};
  auto it = kPolicies.find(go_name);
  if (it == kPolicies.end()) return std::nullopt;
  return it->second;
}

Status CheckCipherAvailable(const std::string& name) {
  auto ctx = ProbeContext();
  const int ok = IsTls13Suite(name)
                     ? SSL_CTX_set_ciphersuites(ctx.get(), name.c_str())
                     : SSL_CTX_set_cipher_list(ctx.get(), name.c_str());
  ERR_clear_error();
  if (ok != 1)
    return Error{"this OpenSSL (" +
                 std::string(OpenSSL_version(OPENSSL_VERSION)) +
                 ") does not offer " + name};
  return OkStatus();
}

Status CheckGroupAvailable(const std::string& name) {
  auto ctx = ProbeContext();
  const int ok = SSL_CTX_set1_groups_list(ctx.get(), name.c_str());
  ERR_clear_error();
  if (ok != 1)
    return Error{"this OpenSSL (" +
                 std::string(OpenSSL_version(OPENSSL_VERSION)) +
                 ") has no group " + name};
  return OkStatus();
}

Status CheckCertificatesPem(const std::string& pem) {
  auto ctx = ProbeContext();
  return LoadClientCa(ctx.get(), pem);
}

Expected<std::shared_ptr<ssl_ctx_st>> BuildTlsServerContext(
    const TlsServerCredentials& credentials, const TlsServerOptions& options) {
  ERR_clear_error();
  std::shared_ptr<SSL_CTX> ctx(SSL_CTX_new(TLS_server_method()), CtxFree{});
  if (!ctx)
    return Error{"cannot create a TLS context: " +
                 TakeOpenSslError("out of memory")};
  SSL_CTX* c = ctx.get();
  // OpenSSL 3 refuses TLS 1.0 and 1.1 above security level 0.
  if (options.min_version < TLS1_2_VERSION) SSL_CTX_set_security_level(c, 0);
  if (SSL_CTX_set_min_proto_version(c, options.min_version) != 1 ||
      SSL_CTX_set_max_proto_version(c, options.max_version) != 1) {
    return Error{"cannot set the TLS versions: " +
                 TakeOpenSslError("unknown error")};
  }
  const std::string ciphers = options.cipher_suites.empty()
                                  ? std::string(kDefaultCiphers)
                                  : Join(options.cipher_suites);
  if (SSL_CTX_set_cipher_list(c, ciphers.c_str()) != 1 ||
      (!options.tls13_suites.empty() &&
       SSL_CTX_set_ciphersuites(c, Join(options.tls13_suites).c_str()) != 1)) {
    return Error{"cannot set the cipher suites: " +
                 TakeOpenSslError("unknown error")};
  }
  if (!options.groups.empty() &&
      SSL_CTX_set1_groups_list(c, Join(options.groups).c_str()) != 1) {
    return Error{"cannot set the curves: " + TakeOpenSslError("unknown error")};
  }
  long opts = SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION;
  if (options.prefer_server_cipher_suites)
    opts |= SSL_OP_CIPHER_SERVER_PREFERENCE;
  SSL_CTX_set_options(c, opts);
  SSL_CTX_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE |
                          SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                          SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_sess_set_cache_size(c, kSessionCacheSize);
  if (Status st = credentials.Install(c); !st) return st.error();
  if (options.client_auth != ClientAuth::kNoClientCert) {
    if (!options.client_ca_pem.empty()) {
      if (Status st = LoadClientCa(c, options.client_ca_pem); !st)
        return st.error();
    } else if (SSL_CTX_set_default_verify_paths(c) != 1) {
      // As Go's crypto/tls without ClientCAs: the system's CAs.
      return Error{"cannot load the system's CA certificates: " +
                   TakeOpenSslError("unknown error")};
    }
    int mode = SSL_VERIFY_PEER;
    if (options.client_auth == ClientAuth::kRequireAnyClientCert ||
        options.client_auth == ClientAuth::kRequireAndVerifyClientCert) {
      mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    }
    SSL_CTX_set_ex_data(c, SettingsIndex(),
                        std::make_unique<TlsServerOptions>(options).release());
    SSL_CTX_set_verify(c, mode, &VerifyClient);
    // Sessions are bound to this context's identity for resumption.
    static const unsigned char kSessionId[] = "ipv6_ha_exporter";
    SSL_CTX_set_session_id_context(c, kSessionId, sizeof(kSessionId) - 1);
  }
  return ctx;
}

}  // namespace ipv6ha
