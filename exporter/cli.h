#pragma once

namespace ipv6ha {

// Parses the command line and runs the daemon or a subcommand; returns the
// process exit code.
int RunCli(int argc, char** argv);

}  // namespace ipv6ha
