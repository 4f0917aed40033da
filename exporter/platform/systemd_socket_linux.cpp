// Linux: the sd_listen_fds(3) protocol.
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "exporter/platform/listen_socket.h"
#include "exporter/platform/systemd_socket.h"

namespace ipv6ha {
namespace {

constexpr int kFirstFd = 3;  // SD_LISTEN_FDS_START
constexpr int kMaxFds = 64;

// A decimal environment variable, or -1.
long EnvNumber(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return -1;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  return *end == '\0' && n >= 0 ? n : -1;
}

}  // namespace

Expected<std::vector<UniqueFd>> TakeSystemdSockets() {
  const long pid = EnvNumber("LISTEN_PID");
  const long count = EnvNumber("LISTEN_FDS");
  unsetenv("LISTEN_PID");
  unsetenv("LISTEN_FDS");
  unsetenv("LISTEN_FDNAMES");
  if (count <= 0) {
    return Error{
        "--web.systemd-socket: systemd passed no socket (LISTEN_FDS is unset "
        "or 0); start the service through its .socket unit "
        "(ipv6_ha_exporter.socket)"};
  }
  if (pid != static_cast<long>(getpid())) {
    return Error{"--web.systemd-socket: LISTEN_PID (" + std::to_string(pid) +
                 ") is not this process (" + std::to_string(getpid()) +
                 "); the sockets were meant for another process"};
  }
  if (count > kMaxFds) {
    return Error{"--web.systemd-socket: LISTEN_FDS is " +
                 std::to_string(count) + ", more than the " +
                 std::to_string(kMaxFds) + " accepted"};
  }
  std::vector<UniqueFd> out;
  for (int fd = kFirstFd; fd < kFirstFd + count; ++fd) {
    out.emplace_back(fd);  // owned from here, also when a later one fails
    if (Status st = AdoptListener(fd); !st) {
      return Error{"--web.systemd-socket: " + st.error().message};
    }
  }
  return out;
}

}  // namespace ipv6ha
