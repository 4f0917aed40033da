#include "exporter/config/peer_config.h"

#include "exporter/platform/bounded_file.h"

namespace ipv6ha {
namespace {

constexpr std::size_t kMaxSecretBytes = 4096;

bool IsHttps(const std::string& url) { return url.rfind("https://", 0) == 0; }

void ParseTls(ConfigReader& peer, ConfigReader& tls, PeerConfig& out) {
  out.tls.ca_file = tls.String("ca_file", "");
  out.tls.server_name = tls.String("server_name", "");
  out.tls.insecure_skip_verify = tls.Bool("insecure_skip_verify", false);
  out.tls.cert_file = tls.String("cert_file", "");
  out.tls.key_file = tls.String("key_file", "");
  tls.RejectUnknownKeys();
  if (!IsHttps(out.api)) {
    peer.Fail("tls", peer.path() + ".tls needs an https:// " + peer.path() +
                         ".api" +
                         (out.api.empty() ? std::string(" (none is set)")
                                          : ", not \"" + out.api + "\""));
    return;
  }
  if (!out.tls.ca_file.empty() && out.tls.ca_file[0] != '/') {
    tls.Fail("ca_file", tls.path() +
                            ".ca_file must be an absolute path, not \"" +
                            out.tls.ca_file + "\"");
    return;
  }
  for (const auto* key : {"cert_file", "key_file"}) {
    const std::string& path =
        std::string(key) == "cert_file" ? out.tls.cert_file : out.tls.key_file;
    if (!path.empty() && path[0] != '/') {
      tls.Fail(key, tls.path() + "." + key +
                        " must be an absolute path, not \"" + path + "\"");
      return;
    }
  }
  if (out.tls.cert_file.empty() != out.tls.key_file.empty()) {
    tls.FailHere(tls.path() +
                 " needs both cert_file and key_file for a client certificate");
    return;
  }
  if (out.tls.insecure_skip_verify &&
      (!out.tls.ca_file.empty() || !out.tls.server_name.empty())) {
    tls.Fail("insecure_skip_verify",
             tls.path() +
                 ".insecure_skip_verify turns off the certificate "
                 "check that ca_file and server_name configure; set "
                 "one or the other");
  }
}

void ParseBasicAuth(ConfigReader& peer, ConfigReader& auth, PeerConfig& out) {
  out.basic_auth_username = auth.String("username", "");
  out.basic_auth_password_file = auth.String("password_file", "");
  if (auth.String("password")) {
    auth.Fail("password", auth.path() +
                              ".password: no secrets in the config file; put "
                              "the password in a file readable only by the "
                              "exporter and name it in password_file");
  }
  auth.RejectUnknownKeys();
  if (out.api.empty()) {
    peer.Fail("basic_auth", peer.path() + ".basic_auth needs " + peer.path() +
                                ".api (none is set)");
  }
  if (out.basic_auth_username.empty()) {
    auth.FailHere(auth.path() + " needs username");
  } else if (out.basic_auth_username.find(':') != std::string::npos) {
    auth.Fail("username", auth.path() + ".username must not contain ':'");
  }
  const std::string& file = out.basic_auth_password_file;
  if (file.empty()) {
    auth.FailHere(auth.path() + " needs password_file");
    return;
  }
  if (file[0] != '/') {
    auth.Fail("password_file", auth.path() +
                                   ".password_file must be an absolute path, "
                                   "not \"" +
                                   file + "\"");
    return;
  }
  auto password = ReadSecretFile(file);
  if (!password) {
    auth.Fail("password_file",
              auth.path() + ".password_file: " + password.error().message);
    return;
  }
  out.fetch.username = out.basic_auth_username;
  out.fetch.password = std::move(*password);
}

}  // namespace

Expected<std::string> ReadSecretFile(const std::string& path) {
  auto file = ReadBoundedFile(path, kMaxSecretBytes);
  if (!file) return file.error();
  std::string secret = std::move(file->content);
  if (secret.ends_with("\r\n")) {
    secret.resize(secret.size() - 2);
  } else if (secret.ends_with("\n")) {
    secret.pop_back();
  }
  if (secret.empty()) return Error{path + ": is empty"};
  if (secret.find_first_of("\r\n") != std::string::npos) {
    return Error{path +
                 ": has more than one line; it must hold the password only"};
  }
  return secret;
}

PeerConfig ParsePeerConfig(ConfigReader& r) {
  PeerConfig peer;
  peer.name = r.String("name", "");
  peer.address = r.String("address", "");
  peer.api = r.String("api", "");
  peer.timeout = r.Dur("timeout", peer.timeout);
  if (!peer.api.empty() && peer.api.rfind("http://", 0) != 0 &&
      !IsHttps(peer.api)) {
    r.Fail("api", r.path() + ".api must be an http:// or https:// URL");
  }
  const std::size_t errors_before = r.errors()->all().size();
  if (auto tls = r.Map("tls")) ParseTls(r, *tls, peer);
  if (auto auth = r.Map("basic_auth")) ParseBasicAuth(r, *auth, peer);
  r.RejectUnknownKeys();
  if (IsHttps(peer.api) && r.errors()->all().size() == errors_before) {
    auto context = TlsClientContext::Create(peer.tls);
    if (context) {
      peer.fetch.tls = *context;
    } else if (const std::string& why = context.error().message;
               why.rfind("cert_file ", 0) == 0 ||
               why.rfind("key_file ", 0) == 0) {
      const std::string key = why.substr(0, why.find(' '));
      r.Map("tls")->Fail(key, r.path() + ".tls." + why);
    } else if (!peer.tls.ca_file.empty()) {
      r.Map("tls")->Fail("ca_file",
                         r.path() + ".tls.ca_file: " + context.error().message);
    } else {
      r.Fail("api", r.path() + ".api: " + context.error().message);
    }
  }
  return peer;
}

}  // namespace ipv6ha
