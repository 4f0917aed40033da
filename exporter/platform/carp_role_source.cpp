#include "exporter/platform/carp_role_source.h"

#include "exporter/platform/carp_demotion_sysctl.h"
#include "exporter/platform/command_runner.h"
#include "exporter/platform/ifconfig_carp_parser.h"

namespace ipv6ha {

CarpRoleSource::CarpRoleSource(std::string ifconfig_path,
                               std::chrono::milliseconds timeout)
    : ifconfig_path_(std::move(ifconfig_path)), timeout_(timeout) {}

RoleReading CarpRoleSource::Read() {
  RoleReading reading;
  if (auto demotion = ReadCarpDemotion()) {
    reading.carp_demotion = *demotion;
  } else {
    reading.carp_demotion_error = demotion.error().message;
  }
  CommandSpec spec;
  spec.argv = {ifconfig_path_};
  spec.timeout = timeout_;
  spec.max_output_bytes = 1024 * 1024;
  auto out = RunCommand(spec);
  if (!out) {
    reading.error = out.error().message;
    return reading;
  }
  if (auto failed = DescribeFailure(spec.argv, *out); !failed.empty()) {
    reading.error = std::move(failed);
    return reading;
  }
  reading.vhids = ParseIfconfigCarp(out->stdout_text);
  DeriveNodeRole(reading);
  return reading;
}

}  // namespace ipv6ha
