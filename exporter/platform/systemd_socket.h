#pragma once

// systemd socket activation (--web.systemd-socket), the sd_listen_fds(3)
// protocol without libsystemd: systemd passes listening sockets as fds 3,
// 4, ... and sets LISTEN_PID to our pid and LISTEN_FDS to their count.
// The sockets are checked to be listening stream sockets, made
// non-blocking and close-on-exec, and the variables are removed so no child
// process takes them as its own.
//
// Linux only (systemd_socket_linux.cpp); on FreeBSD
// (systemd_socket_freebsd.cpp) the call fails with a sentence saying so.

#include <vector>

#include "exporter/base/expected.h"
#include "exporter/platform/unique_fd.h"

namespace ipv6ha {

// Errors: no sockets passed (LISTEN_FDS unset or 0), LISTEN_PID not ours,
// a passed fd that is not a listening stream socket.
Expected<std::vector<UniqueFd>> TakeSystemdSockets();

}  // namespace ipv6ha
