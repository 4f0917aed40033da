#pragma once

// Listening TCP sockets for the HTTP server, non-blocking and close-on-exec:
// bound by us from an address, or handed to us by systemd (socket
// activation: systemd_socket.h). The wildcard ("" as the IP) is one IPv6
// socket that also takes IPv4 (IPV6_V6ONLY off), as Go's net.Listen binds
// ":9646"; a host without IPv6 gets an IPv4 0.0.0.0 socket instead.

#include <string>

#include "exporter/base/expected.h"
#include "exporter/platform/unique_fd.h"

namespace ipv6ha {

// Errors name the address and the reason ("Address already in use").
Expected<UniqueFd> ListenTcp(const std::string& ip, int port);

// The local address of a listening socket as "[::]:9646", "127.0.0.1:80";
// "fd N" when it cannot be read.
std::string DescribeListener(int fd);
// Its local port, or -1.
int ListenerPort(int fd);

// OK when `fd` is a listening stream socket; sets it non-blocking and
// close-on-exec (for sockets passed by systemd).
Status AdoptListener(int fd);

}  // namespace ipv6ha
