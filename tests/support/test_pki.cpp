#include "tests/support/test_pki.h"

#include <gtest/gtest.h>

namespace ipv6ha::testing {
namespace {

constexpr char kOpenssl[] = "/usr/bin/openssl";

bool Openssl(std::vector<std::string> args) {
  args.insert(args.begin(), kOpenssl);
  auto r = RunProgram(args);
  if (r.exit_code != 0) ADD_FAILURE() << "openssl: " << r.err;
  return r.exit_code == 0;
}

bool MakeCa(const TempDir& dir, const std::string& name, std::string& cert,
            std::string& key) {
  cert = (dir.path() / (name + ".pem")).string();
  key = (dir.path() / (name + ".key")).string();
  return Openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt",
                  "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
                  "-out", cert, "-days", "1", "-subj", "/CN=" + name, "-addext",
                  "basicConstraints=critical,CA:TRUE", "-addext",
                  "keyUsage=critical,keyCertSign"});
}

}  // namespace

bool MakeSignedCertificate(const TempDir& dir, const std::string& ca,
                           const std::string& ca_key, const std::string& name,
                           const std::string& san, const std::string& cert,
                           const std::string& key) {
  const std::string csr = (dir.path() / (name + ".csr")).string();
  const std::string ext = dir.Write(
      name + ".ext", "subjectAltName=" + san + "\nbasicConstraints=CA:FALSE\n");
  // Written beside, then copied over: the test's rotation is in place (the
  // same inode), as `cp new.pem cert.pem` does.
  const std::string new_key = key + ".new", new_cert = cert + ".new";
  if (!Openssl({"req", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", new_key,
                "-out", csr, "-subj", "/CN=" + name}) ||
      !Openssl({"x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key,
                "-CAcreateserial", "-out", new_cert, "-days", "1", "-extfile",
                ext})) {
    return false;
  }
  return RunProgram({"/bin/sh", "-c",
                     "cat '" + new_key + "' > '" + key + "' && cat '" +
                         new_cert + "' > '" + cert + "'"})
             .exit_code == 0;
}

bool MakeTestPki(const TempDir& dir, TestPki& pki) {
  pki.server_cert = (dir.path() / "tls-server.pem").string();
  pki.server_key = (dir.path() / "tls-server.key").string();
  pki.client_cert = (dir.path() / "tls-client.pem").string();
  pki.client_key = (dir.path() / "tls-client.key").string();
  return MakeCa(dir, "ca", pki.ca, pki.ca_key) &&
         MakeCa(dir, "other-ca", pki.other_ca, pki.other_ca_key) &&
         MakeSignedCertificate(dir, pki.ca, pki.ca_key, "server",
                               "IP:127.0.0.1,IP:::1,DNS:localhost",
                               pki.server_cert, pki.server_key) &&
         MakeSignedCertificate(dir, pki.ca, pki.ca_key, "prometheus.test",
                               "DNS:prometheus.test", pki.client_cert,
                               pki.client_key);
}

std::string ServedSubject(int port) {
  auto r = RunProgram({"/bin/sh", "-c",
                       "echo | /usr/bin/openssl s_client -connect 127.0.0.1:" +
                           std::to_string(port) +
                           " 2>/dev/null | /usr/bin/openssl x509 -noout "
                           "-subject 2>/dev/null"},
                      std::chrono::seconds(10));
  return r.out;
}

}  // namespace ipv6ha::testing
