#pragma once

// The name this host goes by, for `node_name` when the config gives none.

#include <string>

namespace ipv6ha {

// gethostname(3) up to the first dot ("fw1" for "fw1.example.net"), made
// valid UTF-8; "localhost" when the system gives no name.
std::string ShortHostName();

}  // namespace ipv6ha
