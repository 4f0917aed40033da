#pragma once

// Runs an external program without a shell: argument vector, deadline with
// kill, capped output. The only place in the project that spawns processes.
// Thread safe: each call owns its child and pipes; one registry of running
// children lets shutdown kill them (KillRunningCommands, StopCommands).

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "exporter/base/expected.h"

namespace ipv6ha {

// Why a program runs, so that shutdown can stop one kind before the other
// (docs/reliability.md, "Shutdown"): checks' programs are stopped first, and
// the demotion is withdrawn after that, possibly by a program of its own.
enum class CommandPurpose {
  kObserve,  // reads the node's state: command checks, pfctl/nft, ifconfig
  kAct,      // changes it: the `command` demotion sink, configctl
};

struct CommandSpec {
  std::vector<std::string> argv;  // argv[0] is the path of the program
  std::chrono::milliseconds timeout{std::chrono::seconds(5)};
  std::size_t max_output_bytes = 4 * 1024 * 1024;
  std::vector<std::string> extra_env;  // "NAME=value" appended to environ
  CommandPurpose purpose = CommandPurpose::kObserve;
};

struct CommandOutput {
  int exit_code = -1;  // valid when !signaled
  int signal = 0;      // terminating signal, 0 if exited
  // Both are valid UTF-8: bytes that are not (binary output, a multi-byte
  // character cut by the cap) are replaced by U+FFFD (exporter/text/utf8.h).
  std::string stdout_text;  // at most max_output_bytes (before repair)
  std::string stderr_text;  // at most 64 KiB (before repair)
  bool truncated = false;   // stdout exceeded max_output_bytes
  std::chrono::nanoseconds duration{0};
};

// Returns an Error (with a sentence naming the program) when the program
// cannot be started or does not finish before the timeout; the child and its
// process group are killed and reaped in every case, so no zombie is left.
Expected<CommandOutput> RunCommand(const CommandSpec& spec);

// Kills (SIGKILL, whole process group) every program RunCommand is waiting
// for, so that shutdown is not held up by a hung command and leaves no
// orphans. A program being started while this runs is killed too (by its
// own RunCommand, as soon as it is registered); programs started after it
// returns run normally. The interrupted calls report signal 9.
void KillRunningCommands();

// Stops the programs of `purpose` for the rest of the process: the running
// ones are killed as by KillRunningCommands, and every RunCommand of that
// purpose from now on returns the Error "<program> not run: the exporter is
// stopping". Atomic with spawning: a program whose start overlaps this call
// is killed and reaped at once by its RunCommand (which returns that Error),
// so once this returns no program of `purpose` runs or will run.
void StopCommands(CommandPurpose purpose);

// "pfctl -s nat" style rendering of an argv for messages.
std::string DescribeCommand(const std::vector<std::string>& argv);

// The one sentence for a run that did not exit 0, "" when it did:
// "pfctl -s nat was killed by signal 9", or "pfctl -s nat exited 1" and,
// when it wrote to stderr, ": " and the first line of it (at most 200 bytes,
// cut on a character boundary).
std::string DescribeFailure(const std::vector<std::string>& argv,
                            const CommandOutput& out);

}  // namespace ipv6ha
