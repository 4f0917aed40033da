#include "exporter/platform/http_client.h"

#include <netdb.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "exporter/platform/deadline.h"
#include "exporter/platform/http_reply.h"
#include "exporter/platform/tls_connection.h"
#include "exporter/platform/unique_fd.h"

namespace ipv6ha {
namespace {

using Outcome = HttpFetchResult::Outcome;
using Kind = StreamIo::Kind;

struct Url {
  bool https = false;
  std::string host;  // without brackets
  std::string port;
  std::string path = "/";
};

bool ParseUrl(const std::string& url, Url& out, std::string& error) {
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
    out.port = "80";
  } else if (url.rfind("https://", 0) == 0) {
    rest = url.substr(8);
    out.https = true;
    out.port = "443";
  } else {
    error = "only http:// and https:// URLs are supported, not \"" + url + "\"";
    return false;
  }
  const auto slash = rest.find('/');
  if (slash != std::string::npos) {
    out.path = rest.substr(slash);
    rest = rest.substr(0, slash);
  }
  if (!rest.empty() && rest[0] == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos) {
      error = "unterminated [ in URL \"" + url + "\"";
      return false;
    }
    out.host = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest[0] == ':') out.port = rest.substr(1);
  } else {
    const auto colon = rest.find(':');
    out.host = rest.substr(0, colon);
    if (colon != std::string::npos) out.port = rest.substr(colon + 1);
  }
  if (out.host.empty() || out.port.empty()) {
    error = "no host or port in URL \"" + url + "\"";
    return false;
  }
  return true;
}

HttpFetchResult Failure(Outcome outcome, std::string error) {
  HttpFetchResult r;
  r.outcome = outcome;
  r.error = std::move(error);
  return r;
}

std::string Base64(const std::string& in) {
  std::vector<unsigned char> out(4 * ((in.size() + 2) / 3) + 1);
  const int n = EVP_EncodeBlock(
      out.data(), reinterpret_cast<const unsigned char*>(in.data()),
      static_cast<int>(in.size()));
  return std::string(reinterpret_cast<const char*>(out.data()),
                     static_cast<std::size_t>(n));
}

std::string Request(const Url& u, const HttpFetchOptions& options) {
  const std::string host =
      u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  std::string request = "GET " + u.path + " HTTP/1.0\r\nHost: " + host + ":" +
                        u.port + "\r\nAccept: application/json\r\n";
  if (!options.username.empty()) {
    request += "Authorization: Basic " +
               Base64(options.username + ":" + options.password) + "\r\n";
  }
  return request + "Connection: close\r\n\r\n";
}

// A connected non-blocking socket, read and written like a TlsConnection.
class PlainStream {
 public:
  explicit PlainStream(int fd) : fd_(fd) {}
  StreamIo Write(std::string_view data, const Deadline& deadline) {
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t n =
          send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n >= 0) {
        done += static_cast<std::size_t>(n);
      } else if (errno == EAGAIN || errno == EINTR) {
        if (!deadline.WaitFd(fd_, POLLOUT)) return {Kind::kTimeout};
      } else {
        return {Kind::kFailed, 0, std::strerror(errno)};
      }
    }
    return {Kind::kOk, done};
  }
  StreamIo Read(char* buf, std::size_t len, const Deadline& deadline) {
    for (;;) {
      const ssize_t n = recv(fd_, buf, len, 0);
      if (n > 0) return {Kind::kOk, static_cast<std::size_t>(n)};
      if (n == 0) return {Kind::kClosed};
      if (errno != EAGAIN && errno != EINTR) {
        return {Kind::kFailed, 0, std::strerror(errno)};
      }
      if (!deadline.WaitFd(fd_, POLLIN)) return {Kind::kTimeout};
    }
  }

 private:
  int fd_;
};

// Connects a non-blocking socket to u.host:u.port before the deadline.
HttpFetchResult Connect(const Url& u, const std::string& url,
                        const Deadline& deadline, UniqueFd& fd) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (const int rc =
          getaddrinfo(u.host.c_str(), u.port.c_str(), &hints, &found);
      rc != 0 || found == nullptr) {
    return Failure(Outcome::kConnectFailed,
                   "cannot resolve " + u.host + ": " + gai_strerror(rc));
  }
  fd = UniqueFd(
      socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  int rc =
      fd.get() < 0 ? -1 : connect(fd.get(), found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  if (fd.get() < 0)
    return Failure(Outcome::kConnectFailed, std::strerror(errno));
  if (rc != 0 && errno != EINPROGRESS) {
    return Failure(Outcome::kConnectFailed,
                   "cannot connect to " + url + ": " + std::strerror(errno));
  }
  if (!deadline.WaitFd(fd.get(), POLLOUT)) {
    return Failure(Outcome::kConnectFailed,
                   "cannot connect to " + url + ": timed out");
  }
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    return Failure(Outcome::kConnectFailed,
                   "cannot connect to " + url + ": " + std::strerror(err));
  }
  return HttpFetchResult{Outcome::kOk};
}

// Sends the request and reads the reply to the end of the stream.
template <typename Stream>
HttpFetchResult Exchange(Stream& stream, const std::string& request,
                         const std::string& url, const Deadline& deadline,
                         std::size_t max_body_bytes) {
  const StreamIo sent = stream.Write(request, deadline);
  if (sent.kind == Kind::kTimeout) {
    return Failure(Outcome::kTimeout,
                   "cannot send the request to " + url + " within " +
                       std::to_string(deadline.budget().count()) + "ms");
  }
  if (sent.kind != Kind::kOk) {
    return Failure(Outcome::kConnectFailed,
                   "cannot send the request to " + url +
                       (sent.error.empty() ? "" : ": " + sent.error));
  }
  const std::size_t cap = max_body_bytes + 16 * 1024;  // body plus headers
  std::string data;
  char buf[16384];
  // Once the head is in, a Content-Length says where the reply ends: a peer
  // that keeps the connection open after it is not waited for.
  bool head_seen = false;
  std::optional<std::size_t> announced;
  for (;;) {
    const StreamIo got = stream.Read(buf, sizeof buf, deadline);
    if (got.kind == Kind::kClosed) break;
    if (got.kind == Kind::kTimeout) {
      return Failure(Outcome::kTimeout,
                     "no complete reply from " + url + " within " +
                         std::to_string(deadline.budget().count()) + "ms (" +
                         std::to_string(data.size()) + " bytes received)");
    }
    if (got.kind == Kind::kFailed) {
      return Failure(Outcome::kBadReply,
                     "reading the reply from " + url + ": " + got.error);
    }
    data.append(buf, got.bytes);
    if (data.size() > cap) break;
    if (!head_seen && data.find("\r\n\r\n") != std::string::npos) {
      head_seen = true;
      announced = AnnouncedReplySize(data);
    }
    if (announced && data.size() >= *announced) break;
  }
  if (data.size() > cap) {
    return Failure(Outcome::kTooLarge, "the reply from " + url + " exceeds " +
                                           std::to_string(max_body_bytes) +
                                           " bytes");
  }
  ParsedHttpReply parsed = ParseHttpReply(data, max_body_bytes);
  if (!parsed.reply) {
    return Failure(
        parsed.error.too_large ? Outcome::kTooLarge : Outcome::kBadReply,
        "the reply from " + url + " " + parsed.error.message);
  }
  HttpFetchResult reply;
  reply.outcome = Outcome::kOk;
  reply.status = parsed.reply->status;
  reply.body = std::move(parsed.reply->body);
  return reply;
}

HttpFetchResult FetchOverTls(int fd, const Url& u, const std::string& url,
                             const Deadline& deadline, std::size_t max_body,
                             const HttpFetchOptions& options) {
  std::shared_ptr<const TlsClientContext> context = options.tls;
  if (!context) {
    auto made = TlsClientContext::Create({});
    if (!made) return Failure(Outcome::kTlsFailed, made.error().message);
    context = *made;
  }
  TlsConnection tls(*context, fd, u.host);
  const StreamIo hello = tls.Handshake(deadline);
  if (hello.kind == Kind::kTimeout) {
    return Failure(Outcome::kTimeout,
                   "no TLS handshake with " + url + " within " +
                       std::to_string(deadline.budget().count()) + "ms");
  }
  if (hello.kind != Kind::kOk) {
    return Failure(Outcome::kTlsFailed,
                   "TLS handshake with " + url + " failed: " +
                       (hello.error.empty() ? "the peer closed the connection"
                                            : hello.error));
  }
  HttpFetchResult result =
      Exchange(tls, Request(u, options), url, deadline, max_body);
  // The peer answered TLS, so a reset from here on is not "nobody answered":
  // under TLS 1.3 a server refuses our certificate (or its absence) only after
  // the handshake, and when it closes at once its alert is lost to a reset on
  // our send.
  if (result.outcome == Outcome::kConnectFailed) {
    result.outcome = Outcome::kTlsFailed;
  }
  return result;
}

}  // namespace

HttpFetchResult HttpFetch(const std::string& url,
                          std::chrono::milliseconds timeout,
                          std::size_t max_body_bytes,
                          const HttpFetchOptions& options) {
  const Deadline deadline(timeout);
  Url u;
  std::string error;
  if (!ParseUrl(url, u, error)) return Failure(Outcome::kBadReply, error);
  UniqueFd fd;
  if (HttpFetchResult connected = Connect(u, url, deadline, fd);
      connected.outcome != Outcome::kOk) {
    return connected;
  }
  if (u.https) {
    return FetchOverTls(fd.get(), u, url, deadline, max_body_bytes, options);
  }
  PlainStream plain(fd.get());
  return Exchange(plain, Request(u, options), url, deadline, max_body_bytes);
}

}  // namespace ipv6ha
