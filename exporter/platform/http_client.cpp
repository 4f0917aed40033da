#include "exporter/platform/http_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "exporter/platform/unique_fd.h"

namespace ipv6ha {
namespace {

using Steady = std::chrono::steady_clock;
using Outcome = HttpFetchResult::Outcome;

struct Url {
  std::string host;  // without brackets
  std::string port = "80";
  std::string path = "/";
};

bool ParseUrl(const std::string& url, Url& out, std::string& error) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) {
    error = "only http:// URLs are supported, not \"" + url + "\"";
    return false;
  }
  std::string rest = url.substr(scheme.size());
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

int MillisLeft(Steady::time_point deadline) {
  const auto left =
      std::chrono::ceil<std::chrono::milliseconds>(deadline - Steady::now());
  return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

HttpFetchResult Failure(Outcome outcome, std::string error) {
  HttpFetchResult r;
  r.outcome = outcome;
  r.error = std::move(error);
  return r;
}

// Splits "HTTP/1.1 200 OK\r\n...\r\n\r\nbody".
HttpFetchResult ParseReply(const std::string& data) {
  const auto end = data.find("\r\n\r\n");
  if (data.rfind("HTTP/1.", 0) != 0 || end == std::string::npos ||
      data.size() < 12) {
    return Failure(Outcome::kBadReply, "the reply is not HTTP");
  }
  HttpFetchResult r;
  try {
    r.status = std::stoi(data.substr(9, 3));
  } catch (...) {
    return Failure(Outcome::kBadReply, "the reply has no HTTP status code");
  }
  r.outcome = Outcome::kOk;
  r.body = data.substr(end + 4);
  return r;
}

}  // namespace

HttpFetchResult HttpFetch(const std::string& url,
                          std::chrono::milliseconds timeout,
                          std::size_t max_body_bytes) {
  const auto deadline = Steady::now() + timeout;
  Url u;
  std::string error;
  if (!ParseUrl(url, u, error)) return Failure(Outcome::kBadReply, error);
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
  UniqueFd fd(
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
  pollfd p{fd.get(), POLLOUT, 0};
  if (poll(&p, 1, MillisLeft(deadline)) <= 0) {
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
  const std::string host =
      u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  const std::string request =
      "GET " + u.path + " HTTP/1.0\r\nHost: " + host + ":" + u.port +
      "\r\nAccept: application/json\r\nConnection: close\r\n\r\n";
  if (send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    return Failure(Outcome::kConnectFailed,
                   "cannot send the request to " + url);
  }
  const std::size_t cap = max_body_bytes + 16 * 1024;  // body plus headers
  std::string data;
  char buf[16384];
  for (;;) {
    pollfd r{fd.get(), POLLIN, 0};
    if (poll(&r, 1, MillisLeft(deadline)) <= 0) {
      return Failure(Outcome::kTimeout,
                     "no complete reply from " + url + " within " +
                         std::to_string(timeout.count()) + "ms (" +
                         std::to_string(data.size()) + " bytes received)");
    }
    const ssize_t n = recv(fd.get(), buf, sizeof buf, 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return Failure(Outcome::kBadReply, "reading the reply from " + url +
                                             ": " + std::strerror(errno));
    }
    data.append(buf, static_cast<std::size_t>(n));
    if (data.size() > cap) {
      return Failure(Outcome::kTooLarge, "the reply from " + url + " exceeds " +
                                             std::to_string(max_body_bytes) +
                                             " bytes");
    }
  }
  HttpFetchResult reply = ParseReply(data);
  if (reply.outcome == Outcome::kOk && reply.body.size() > max_body_bytes) {
    return Failure(Outcome::kTooLarge, "the reply from " + url + " exceeds " +
                                           std::to_string(max_body_bytes) +
                                           " bytes");
  }
  if (reply.outcome != Outcome::kOk) reply.error += " (from " + url + ")";
  return reply;
}

}  // namespace ipv6ha
