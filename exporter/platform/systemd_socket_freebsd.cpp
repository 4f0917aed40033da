// FreeBSD: no systemd, so no socket activation.
#include "exporter/platform/systemd_socket.h"

namespace ipv6ha {

Expected<std::vector<UniqueFd>> TakeSystemdSockets() {
  return Error{
      "--web.systemd-socket: systemd socket activation exists only on Linux; "
      "on FreeBSD give the addresses with --web.listen-address or listen:"};
}

}  // namespace ipv6ha
