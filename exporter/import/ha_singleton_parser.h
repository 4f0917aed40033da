#pragma once

// Reads opnsense-ha's ha-singleton.conf, a file of shell variable
// assignments (WAN_INTS, SERVICES, ALT_DEFROUTE_IPV6, ENABLE_IPV6,
// SYNC_IPV6_STATE, ...), without running it.
//
// Understood, as sh(1) would: NAME=value, several per line, `export NAME=...`
// and `export NAME`; unquoted, 'single' and "double" quoted parts joined into
// one word; backslash escapes and line continuations; comments (# at the
// start of a word); $NAME, ${NAME}, ${NAME:-word} and ${NAME-word} expanding
// variables assigned earlier in the file (an unset one expands to "" and adds
// a warning). Anything that would need a shell to run it (commands, $(...),
// backquotes, pipes, redirections, other ${...} forms) is an error naming
// the line. Pure function, thread safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/base/expected.h"

namespace ipv6ha {

struct ShellVariable {
  std::string name;
  std::string value;
  int line = 0;  // 1-based line of the assignment
  bool exported = false;
};

struct ShellVariables {
  std::vector<ShellVariable> assignments;  // in file order
  std::vector<std::string> warnings;       // "name:line: ..." each

  // The last value assigned to `name`, as the shell would see it at the end.
  std::optional<std::string> Get(const std::string& name) const;
};

// `name` stands for the file in messages: errors read "name:line: what".
Expected<ShellVariables> ParseHaSingleton(std::string_view text,
                                          const std::string& name);

// Shell-style truth of a flag value: 1/yes/true/on (any case) are true.
bool ShellFlagIsTrue(const std::string& value);

}  // namespace ipv6ha
