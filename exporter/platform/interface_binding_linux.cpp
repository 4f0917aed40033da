// Linux: SO_BINDTODEVICE, socket(7).
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "exporter/platform/interface_binding.h"

namespace ipv6ha {

InterfaceBinding DefaultInterfaceBinding() {
  return InterfaceBinding::kBindToDevice;
}

Status BindToDevice(int fd, const std::string& interface) {
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, interface.c_str(),
                 static_cast<socklen_t>(interface.size())) != 0) {
    return Error{"cannot bind the probe socket to interface " + interface +
                 ": " + std::strerror(errno)};
  }
  return OkStatus();
}

}  // namespace ipv6ha
