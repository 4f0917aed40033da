#pragma once

// A non-blocking TCP connect used as a probe: start it, wait for the fd to
// become writable, then read the outcome. Only an established connection is
// a success (as in blackbox_exporter): a refused connection proves the host
// is up but the service is not, and a probe is about the service path.
// The socket is closed with an abortive close (RST) so a thousand probes a
// second leave no TIME_WAIT behind.

#include <netinet/in.h>

#include <string>

#include "exporter/base/expected.h"
#include "exporter/platform/interface_binding.h"

namespace ipv6ha {

struct TcpConnectStart {
  int fd = -1;
  bool done = false;  // connected (or failed) at once; see error
  std::string error;  // empty on success
};

// Errors opening, binding or routing are returned as Error when nothing was
// sent (the probe could not run); a connection failure is a done start.
// An IPv4-mapped `target` connects over IPv4 (`source` then an IPv4 literal).
// `binding` says how the socket is tied to `interface` (interface_binding.h).
Expected<TcpConnectStart> StartTcpConnect(
    const sockaddr_in6& target, std::string source,
    const std::string& interface,
    InterfaceBinding binding = DefaultInterfaceBinding());
// After the fd became writable: empty on success, else the reason.
std::string FinishTcpConnect(int fd);
void CloseTcpProbe(int fd);

}  // namespace ipv6ha
