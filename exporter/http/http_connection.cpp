#include "exporter/http/http_connection.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <cerrno>

namespace ipv6ha {
namespace {

constexpr std::size_t kMaxDrainBytes = 64 * 1024;

bool WouldBlock(int e) { return e == EAGAIN || e == EWOULDBLOCK || e == EINTR; }

}  // namespace

HttpConnection::HttpConnection(UniqueFd fd, ssl_st* ssl, std::uint64_t id,
                               Clock::time_point now)
    : idle_since(now), fd_(std::move(fd)), ssl_(ssl), id_(id) {
  if (ssl_ != nullptr) state = State::kHandshake;
}

HttpConnection::~HttpConnection() {
  if (ssl_ != nullptr) SSL_free(ssl_);
}

// Maps an SSL_* return value to what the socket must wait for.
HttpConnection::Io HttpConnection::TlsResult(int ret) {
  if (ret > 0) return Io::kProgress;
  switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_WANT_READ:
      want_ = kRead;
      return Io::kWouldBlock;
    case SSL_ERROR_WANT_WRITE:
      want_ = kWrite;
      return Io::kWouldBlock;
    default:
      ERR_clear_error();
      return Io::kClosed;
  }
}

HttpConnection::Io HttpConnection::Handshake() {
  ERR_clear_error();
  return TlsResult(SSL_accept(ssl_));
}

HttpConnection::Io HttpConnection::Receive(char* scratch, std::size_t size) {
  bool any = false;
  for (int round = 0; round < 8; ++round) {
    if (ssl_ != nullptr) {
      ERR_clear_error();
      const int n = SSL_read(ssl_, scratch, static_cast<int>(size));
      const Io io = TlsResult(n);
      if (io == Io::kClosed) return Io::kClosed;
      if (io == Io::kWouldBlock) return any ? Io::kProgress : Io::kWouldBlock;
      in.append(scratch, static_cast<std::size_t>(n));
    } else {
      const ssize_t n = recv(fd_.get(), scratch, size, 0);
      if (n == 0) return Io::kClosed;
      if (n < 0) {
        if (WouldBlock(errno)) return any ? Io::kProgress : Io::kWouldBlock;
        return Io::kClosed;
      }
      in.append(scratch, static_cast<std::size_t>(n));
      if (static_cast<std::size_t>(n) < size) return Io::kProgress;
    }
    any = true;
    // More than a head can hold: the parser refuses it, no need to read on.
    if (in.size() > kMaxHeadBytes) return Io::kProgress;
  }
  return Io::kProgress;
}

HttpConnection::Io HttpConnection::SendResponse() {
  while (sent < response.length) {
    const char* data = response.bytes->data() + sent;
    const std::size_t left = response.length - sent;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      const int n = SSL_write(ssl_, data, static_cast<int>(left));
      const Io io = TlsResult(n);
      if (io != Io::kProgress) return io;
      sent += static_cast<std::size_t>(n);
    } else {
      const ssize_t n = send(fd_.get(), data, left, MSG_NOSIGNAL);
      if (n < 0) {
        if (WouldBlock(errno)) {
          want_ = kWrite;
          return Io::kWouldBlock;
        }
        return Io::kClosed;
      }
      sent += static_cast<std::size_t>(n);
    }
  }
  return Io::kProgress;
}

HttpConnection::Io HttpConnection::Drain(char* scratch, std::size_t size) {
  for (;;) {
    const ssize_t n = recv(fd_.get(), scratch, size, 0);
    if (n == 0) return Io::kClosed;
    if (n < 0) return WouldBlock(errno) ? Io::kWouldBlock : Io::kClosed;
    drained += static_cast<std::size_t>(n);
    if (drained > kMaxDrainBytes) return Io::kClosed;
  }
}

void HttpConnection::ShutdownWrite() {
  if (ssl_ != nullptr) {
    ERR_clear_error();
    (void)SSL_shutdown(ssl_);  // best effort: close_notify if it fits
    ERR_clear_error();
  }
  shutdown(fd_.get(), SHUT_WR);
}

bool HttpConnection::PeerGone() {
  char byte;
  const ssize_t n = recv(fd_.get(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0) return false;  // pipelined bytes: read after the response
  if (n == 0) {
    // Half-closed after its request (as `printf ... | nc` does): it still
    // gets the response, then the connection closes.
    peer_closed = true;
    return false;
  }
  return !WouldBlock(errno);
}

}  // namespace ipv6ha
