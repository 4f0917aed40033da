#include "exporter/platform/tls_connection.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace ipv6ha {
namespace {

using Kind = StreamIo::Kind;

bool IsIpLiteral(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET6, name.c_str(), buf) == 1 ||
         inet_pton(AF_INET, name.c_str(), buf) == 1;
}

StreamIo Io(Kind kind, std::size_t bytes = 0, std::string error = "") {
  return StreamIo{kind, bytes, std::move(error)};
}

}  // namespace

TlsConnection::TlsConnection(const TlsClientContext& context, int fd,
                             const std::string& host)
    : fd_(fd) {
  const TlsClientConfig& config = context.config();
  expected_name_ = config.server_name.empty() ? host : config.server_name;
  // A link-local literal carries its zone ("fe80::2%igc1"); certificates
  // name the address only.
  expected_name_ = expected_name_.substr(0, expected_name_.find('%'));
  ERR_clear_error();
  // After ERR_clear_error, so a failure reports its own error.
  // NOLINTNEXTLINE(cppcoreguidelines-prefer-member-initializer)
  ssl_ = SSL_new(context.native());
  if (ssl_ == nullptr || SSL_set_fd(ssl_, fd) != 1) {
    setup_error_ = "cannot set up TLS: " + TakeOpenSslError("out of memory");
    return;
  }
  const bool ip = IsIpLiteral(expected_name_);
  // SNI carries DNS names only (RFC 6066 §3).
  if (!ip && !expected_name_.empty()) {
    SSL_set_tlsext_host_name(ssl_, expected_name_.c_str());
  }
  if (config.insecure_skip_verify) return;
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  const int ok =
      ip ? X509_VERIFY_PARAM_set1_ip_asc(param, expected_name_.c_str())
         : X509_VERIFY_PARAM_set1_host(param, expected_name_.c_str(), 0);
  if (ok != 1) {
    setup_error_ = "cannot check the certificate against \"" + expected_name_ +
                   "\": " + TakeOpenSslError("not a usable name");
  }
}

TlsConnection::~TlsConnection() { SSL_free(ssl_); }

template <typename Op>
StreamIo TlsConnection::Drive(Op op, const Deadline& deadline) {
  if (!setup_error_.empty()) return Io(Kind::kFailed, 0, setup_error_);
  for (;;) {
    ERR_clear_error();
    errno = 0;
    const int rc = op();
    const int saved_errno = errno;
    if (rc > 0) return Io(Kind::kOk, static_cast<std::size_t>(rc));
    const int ssl_error = SSL_get_error(ssl_, rc);
    short wait = 0;
    if (ssl_error == SSL_ERROR_WANT_READ) {
      wait = POLLIN;
    } else if (ssl_error == SSL_ERROR_WANT_WRITE) {
      wait = POLLOUT;
    } else if (ssl_error == SSL_ERROR_ZERO_RETURN) {
      return Io(Kind::kClosed);
    } else {
      return Io(Kind::kFailed, 0, FailureReason(ssl_error, rc, saved_errno));
    }
    if (!deadline.WaitFd(fd_, wait)) return Io(Kind::kTimeout);
  }
}

std::string TlsConnection::FailureReason(int ssl_error, int rc, int err) {
  const long verify = SSL_get_verify_result(ssl_);
  if (verify != X509_V_OK) {
    ERR_clear_error();
    const std::string why = X509_verify_cert_error_string(verify);
    if (verify == X509_V_ERR_HOSTNAME_MISMATCH ||
        verify == X509_V_ERR_IP_ADDRESS_MISMATCH) {
      return "certificate verify failed: " + why +
             " (the certificate does not name \"" + expected_name_ + "\")";
    }
    return "certificate verify failed: " + why;
  }
  if (ssl_error == SSL_ERROR_SYSCALL) {
    std::string queued = TakeOpenSslError("");
    if (!queued.empty()) return queued;
    if (err != 0) return std::strerror(err);
    return "the peer closed the connection";
  }
  return TakeOpenSslError("TLS error " + std::to_string(ssl_error) + " (rc " +
                          std::to_string(rc) + ")");
}

StreamIo TlsConnection::Handshake(const Deadline& deadline) {
  return Drive([this] { return SSL_connect(ssl_); }, deadline);
}

StreamIo TlsConnection::Write(std::string_view data, const Deadline& deadline) {
  std::size_t done = 0;
  while (done < data.size()) {
    const int chunk =
        static_cast<int>(std::min<std::size_t>(data.size() - done, INT_MAX));
    StreamIo io = Drive(
        [&] { return SSL_write(ssl_, data.data() + done, chunk); }, deadline);
    if (io.kind != Kind::kOk) return io;
    done += io.bytes;
  }
  return Io(Kind::kOk, done);
}

StreamIo TlsConnection::Read(char* buf, std::size_t len,
                             const Deadline& deadline) {
  const int chunk = static_cast<int>(std::min<std::size_t>(len, INT_MAX));
  return Drive([&] { return SSL_read(ssl_, buf, chunk); }, deadline);
}

}  // namespace ipv6ha
