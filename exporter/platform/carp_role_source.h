#pragma once

// Role from CARP: runs `ifconfig` (path from commands.ifconfig) through
// RunCommand, parses every vhid, and reads net.inet.carp.demotion where the
// platform has it. Not thread safe; one caller (the RoleMonitor).

#include <chrono>
#include <string>

#include "exporter/platform/role_source.h"

namespace ipv6ha {

class CarpRoleSource : public RoleSource {
 public:
  CarpRoleSource(std::string ifconfig_path, std::chrono::milliseconds timeout);
  RoleReading Read() override;

 private:
  std::string ifconfig_path_;
  std::chrono::milliseconds timeout_;
};

}  // namespace ipv6ha
