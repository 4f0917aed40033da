#pragma once

// The configuration defaults that differ between Linux and FreeBSD, one file
// per system (config_defaults_linux.cpp, config_defaults_freebsd.cpp); what
// they share is in config_defaults.cpp. Used by config.cpp only.

#include "checks/check_registry.h"

namespace ipv6ha {

// The command paths that differ from the shared defaults on this system.
CommandPaths PlatformCommandPaths();

}  // namespace ipv6ha
