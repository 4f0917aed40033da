#include "exporter/platform/echo_socket_setup.h"

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace ipv6ha {

Expected<UniqueFd> OpenEchoFd(int family, int protocol, IcmpSocketKind kind,
                              const std::string& what) {
  const bool raw = kind == IcmpSocketKind::kRaw;
  UniqueFd fd(socket(family, raw ? SOCK_RAW : SOCK_DGRAM, protocol));
  if (fd.get() < 0) {
    return Error{"cannot open " + std::string(raw ? "raw " : "datagram ") +
                 what + " socket: " + std::strerror(errno)};
  }
  fcntl(fd.get(), F_SETFL, fcntl(fd.get(), F_GETFL) | O_NONBLOCK);
  fcntl(fd.get(), F_SETFD, FD_CLOEXEC);
  const int on = 1;
#ifdef SO_TIMESTAMPNS
  setsockopt(fd.get(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
#else
  setsockopt(fd.get(), SOL_SOCKET, SO_TIMESTAMP, &on, sizeof on);
#endif
  const int rcvbuf = 1 << 20;
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  return fd;
}

}  // namespace ipv6ha
