#pragma once

// Limits of the daemon's own process.

namespace ipv6ha {

// Raises the soft limit of open files to the hard limit, as Go programs
// (node_exporter, blackbox_exporter) do at start: every HTTP connection is
// a descriptor, and a soft limit of 1,024 (systemd's default) would cap the
// server below its max_connections. Returns the soft limit now in effect.
long RaiseFileLimit();

}  // namespace ipv6ha
