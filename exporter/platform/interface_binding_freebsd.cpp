// FreeBSD has no SO_BINDTODEVICE (socket(2), setsockopt(2)): a probe goes
// through an interface by its source address and IPV6_PKTINFO
// (interface_binding.cpp).
#include "exporter/platform/interface_binding.h"

namespace ipv6ha {

InterfaceBinding DefaultInterfaceBinding() {
  return InterfaceBinding::kSourceAndPktinfo;
}

Status BindToDevice(int /*fd*/, const std::string& interface) {
  return Error{"cannot bind the probe socket to interface " + interface +
               ": FreeBSD has no SO_BINDTODEVICE"};
}

}  // namespace ipv6ha
