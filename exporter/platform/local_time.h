#pragma once

// Wall-clock times as the host's local time zone writes them (the zone is
// the process's TZ, read by localtime_r(3)).

#include <chrono>
#include <string>

namespace ipv6ha {

// "2026-12-01T13:05:09": local time, to the second, no zone suffix (as
// OPNsense writes the pd state's `last_run`).
std::string FormatLocalIso(std::chrono::system_clock::time_point t);

}  // namespace ipv6ha
