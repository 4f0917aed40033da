#include "exporter/config/web_config.h"

#include <strings.h>

#include <algorithm>
#include <filesystem>

#include "exporter/platform/bounded_file.h"
#include "exporter/platform/crypt_hash.h"
#include "exporter/platform/tls_server_context.h"
#include "exporter/yaml/strict_yaml.h"

namespace ipv6ha {
namespace {

constexpr std::size_t kMaxPemBytes = 1024 * 1024;

// The response headers exporter-toolkit lets a web config set, with the
// values it accepts (empty: any value without line breaks).
const std::map<std::string, std::vector<std::string>>& AllowedHeaders() {
  static const std::map<std::string, std::vector<std::string>> kAllowed = {
      {"Content-Security-Policy", {}},
      {"X-Frame-Options", {"deny", "sameorigin"}},
      {"X-Content-Type-Options", {"nosniff"}},
      {"X-XSS-Protection", {}},
      {"Strict-Transport-Security", {}}};
  return kAllowed;
}

std::string Resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

// A PEM given inline (`inline_key`) or as a file (`file_key`), not both.
// Records errors at the key; returns the PEM text, empty when neither.
std::string ReadPemSource(ConfigReader& tls, const std::string& inline_key,
                          const std::string& file_key,
                          const std::string& base_dir, std::string& file_out) {
  auto text = tls.String(inline_key);
  auto file = tls.String(file_key);
  if (text && file) {
    tls.Fail(inline_key, tls.path() + "." + inline_key + " and " + file_key +
                             " are both given; give one of them");
    return "";
  }
  if (text) {
    if (text->empty())
      tls.Fail(inline_key, tls.path() + "." + inline_key + " is empty");
    return *text;
  }
  if (!file) return "";
  if (file->empty()) {
    tls.Fail(file_key, tls.path() + "." + file_key + " is empty");
    return "";
  }
  file_out = Resolve(*file, base_dir);
  auto read = ReadBoundedFile(file_out, kMaxPemBytes);
  if (!read) {
    tls.Fail(file_key,
             tls.path() + "." + file_key + " " + read.error().message);
    return "";
  }
  return std::move(read->content);
}

// `key`: a list of Go names, each mapped and checked against this OpenSSL.
std::vector<std::string> OpenSslNames(
    ConfigReader& tls, const std::string& key, const char* what,
    std::optional<std::string> (*map)(const std::string&),
    Status (*available)(const std::string&)) {
  std::vector<std::string> out;
  YAML::Node list = tls.Raw(key);
  if (!list.IsDefined() || list.IsNull()) return out;
  if (!list.IsSequence()) {
    tls.Fail(key, tls.path() + "." + key + " must be a list");
    return out;
  }
  const std::string where = tls.path() + "." + key + ": ";
  for (const auto& item : list) {
    const std::string name = item.IsScalar() ? item.Scalar() : "";
    auto mapped = map(name);
    if (!mapped) {
      tls.errors()->Add(item.Mark(), std::string(where)
                                         .append("unknown ")
                                         .append(what)
                                         .append(" \"")
                                         .append(name)
                                         .append("\""));
    } else if (Status st = available(*mapped); !st) {
      tls.errors()->Add(item.Mark(), std::string(where)
                                         .append(what)
                                         .append(" ")
                                         .append(name)
                                         .append(" cannot be honoured: ")
                                         .append(st.error().message));
    } else {
      out.push_back(*mapped);
    }
  }
  return out;
}

int Version(ConfigReader& tls, const std::string& key, std::string& name) {
  name = tls.String(key, name);
  auto v = TlsVersionNumber(name);
  if (v) return *v;
  tls.Fail(key, tls.path() + "." + key +
                    " must be TLS10, TLS11, TLS12 or TLS13, not \"" + name +
                    "\"");
  return 0;
}

void ReadClientAuth(ConfigReader& tls, const std::string& base_dir,
                    WebConfig& web, TlsServerOptions& o) {
  web.client_auth_type = tls.String("client_auth_type", web.client_auth_type);
  if (auto policy = ParseClientAuth(web.client_auth_type)) {
    o.client_auth = *policy;
  } else {
    tls.Fail("client_auth_type",
             tls.path() +
                 ".client_auth_type must be NoClientCert, RequestClientCert, "
                 "RequireAnyClientCert, VerifyClientCertIfGiven or "
                 "RequireAndVerifyClientCert, not \"" +
                 web.client_auth_type + "\"");
  }
  o.client_ca_pem = ReadPemSource(tls, "client_ca", "client_ca_file", base_dir,
                                  web.client_ca_file);
  if (!o.client_ca_pem.empty()) {
    if (Status st = CheckCertificatesPem(o.client_ca_pem); !st) {
      tls.Fail(web.client_ca_file.empty() ? "client_ca" : "client_ca_file",
               tls.path() +
                   (web.client_ca_file.empty()
                        ? ".client_ca: "
                        : ".client_ca_file " + web.client_ca_file + ": ") +
                   st.error().message);
    }
  }
  o.client_allowed_sans = tls.StringList("client_allowed_sans");
  if (!o.client_allowed_sans.empty() &&
      o.client_auth != ClientAuth::kRequireAnyClientCert &&
      o.client_auth != ClientAuth::kRequireAndVerifyClientCert) {
    tls.Fail("client_allowed_sans",
             tls.path() +
                 ".client_allowed_sans needs client_auth_type "
                 "RequireAnyClientCert or RequireAndVerifyClientCert");
  }
}

void ParseTls(ConfigReader& tls, const std::string& base_dir, WebConfig& web) {
  const std::size_t errors_before = tls.errors()->all().size();
  const std::string cert =
      ReadPemSource(tls, "cert", "cert_file", base_dir, web.cert_file);
  const std::string key =
      ReadPemSource(tls, "key", "key_file", base_dir, web.key_file);
  TlsServerOptions o;
  ReadClientAuth(tls, base_dir, web, o);
  o.min_version = Version(tls, "min_version", web.min_version);
  o.max_version = Version(tls, "max_version", web.max_version);
  if (o.min_version != 0 && o.max_version != 0 &&
      o.max_version < o.min_version) {
    tls.Fail("max_version", tls.path() + ".max_version " + web.max_version +
                                " is below min_version " + web.min_version);
  }
  for (auto& name : OpenSslNames(tls, "cipher_suites", "cipher suite",
                                 &OpenSslCipherName, &CheckCipherAvailable)) {
    (IsTls13Suite(name) ? o.tls13_suites : o.cipher_suites).push_back(name);
  }
  o.groups = OpenSslNames(tls, "curve_preferences", "curve", &OpenSslGroupName,
                          &CheckGroupAvailable);
  o.prefer_server_cipher_suites = tls.Bool("prefer_server_cipher_suites", true);
  tls.RejectUnknownKeys();
  const bool have_cert = tls.Has("cert") || tls.Has("cert_file");
  const bool have_key = tls.Has("key") || tls.Has("key_file");
  if (have_cert != have_key) {
    tls.FailHere(tls.path() +
                 " needs both a certificate (cert_file or cert) "
                 "and a key (key_file or key)");
  }
  if (!have_cert || tls.errors()->all().size() != errors_before) return;
  const std::string cert_name =
      web.cert_file.empty() ? "cert" : "cert_file " + web.cert_file;
  const std::string key_name =
      web.key_file.empty() ? "key" : "key_file " + web.key_file;
  auto credentials =
      TlsServerCredentials::FromPem(cert, key, cert_name, key_name);
  if (!credentials) {
    const std::string& why = credentials.error().message;
    const std::string at = why.rfind("key", 0) == 0
                               ? (web.key_file.empty() ? "key" : "key_file")
                               : (web.cert_file.empty() ? "cert" : "cert_file");
    tls.Fail(at, tls.path() + "." + why);
    return;
  }
  auto context = BuildTlsServerContext(**credentials, o);
  if (!context) {
    tls.FailHere(tls.path() + ": " + context.error().message);
    return;
  }
  web.tls_context = *context;
}

void ParseHttpServerConfig(ConfigReader& http, WebConfig& web) {
  (void)http.Bool("http2", true);  // accepted; this server speaks HTTP/1.1
  if (auto headers = http.Map("headers")) {
    for (const auto& name : headers->Keys()) {
      auto value = headers->String(name);
      if (!value) continue;
      auto allowed = AllowedHeaders().find(name);
      if (allowed == AllowedHeaders().end()) {
        headers->FailKey(name, "header \"" + name +
                                   "\" cannot be set; exporter-toolkit allows "
                                   "Content-Security-Policy, X-Frame-Options, "
                                   "X-Content-Type-Options, X-XSS-Protection "
                                   "and Strict-Transport-Security");
        continue;
      }
      const auto& values = allowed->second;
      const bool ok_value =
          values.empty() ||
          std::any_of(values.begin(), values.end(), [&](const auto& v) {
            return strcasecmp(v.c_str(), value->c_str()) == 0;
          });
      if (!ok_value || value->find_first_of("\r\n") != std::string::npos) {
        headers->Fail(
            name,
            "header " + name + " cannot be \"" + *value + "\"" +
                (values.empty()
                     ? ""
                     : " (accepted: " + values.front() +
                           (values.size() > 1 ? ", " + values[1] : "") + ")"));
        continue;
      }
      if (!value->empty()) web.headers[name] = *value;
    }
  }
  http.RejectUnknownKeys();
}

void ParseUsers(ConfigReader& users, WebConfig& web) {
  for (const auto& user : users.Keys()) {
    auto hash = users.String(user);
    if (!hash) continue;
    if (hash->rfind("$2", 0) != 0) {
      users.Fail(user,
                 "password of user \"" + user +
                     "\" must be a bcrypt hash ($2y$...), not plain text");
      continue;
    }
    if (Status st = CheckBcryptHash(*hash); !st) {
      users.Fail(user,
                 "password of user \"" + user + "\" " + st.error().message);
      continue;
    }
    web.basic_auth_users[user] = *hash;
  }
}

}  // namespace

std::vector<std::string> WebConfig::Files() const {
  std::vector<std::string> out;
  for (const auto* f : {&cert_file, &key_file, &client_ca_file}) {
    if (!f->empty()) out.push_back(*f);
  }
  return out;
}

WebConfig ParseWebConfig(ConfigReader& r, const std::string& base_dir) {
  WebConfig web;
  if (auto tls = r.Map("tls_server_config")) ParseTls(*tls, base_dir, web);
  if (auto http = r.Map("http_server_config"))
    ParseHttpServerConfig(*http, web);
  if (auto users = r.Map("basic_auth_users")) ParseUsers(*users, web);
  web.basic_auth_excluded_paths = r.StringList("basic_auth_excluded_paths");
  web.max_connections = static_cast<int>(
      r.Int("max_connections", web.max_connections, 16, 65536));
  if (r.Has("rate_limit")) {
    (void)r.Raw("rate_limit");
    r.FailKey(
        "rate_limit",
        "rate_limit cannot be honoured by ipv6_ha_exporter (its HTTP server "
        "takes turns between connections instead, docs/reliability.md); "
        "remove it");
  }
  r.RejectUnknownKeys();
  return web;
}

Expected<WebConfig> LoadWebConfig(const std::string& path) {
  auto text = ReadOperatorFile(path);
  if (!text) return text.error();
  ConfigErrors errors(path);
  auto root = LoadStrictYaml(*text, errors);
  if (!root) return Error{errors.ToString()};
  if (root->IsNull()) return WebConfig{};  // an empty file: no TLS, no auth
  if (!root->IsMap()) {
    errors.Add(root->Mark(),
               "a web config must be a mapping (tls_server_config, ...)");
    return Error{errors.ToString()};
  }
  ConfigReader r(*root, "", &errors);
  WebConfig web =
      ParseWebConfig(r, std::filesystem::path(path).parent_path().string());
  if (!errors.empty()) return Error{errors.ToString()};
  return web;
}

}  // namespace ipv6ha
