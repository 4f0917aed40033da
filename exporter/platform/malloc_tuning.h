#pragma once

// The C library allocator's settings for this daemon, set by the program
// itself rather than by the environment of whoever starts it.

namespace ipv6ha {

// Caps the allocator's per-thread arenas at two. glibc otherwise gives
// each thread that allocates while another holds an arena a 64 MiB arena
// of its own; under a connection flood the HTTP worker threads then each
// keep some freed memory resident (docs/benchmarks.md, "Where the memory
// goes": 0.2 MiB of the peak). The daemon's threads allocate little and
// rarely at the same time, so two arenas cost them nothing measurable.
// Call once at the start of main, before any thread exists. FreeBSD's
// allocator (jemalloc) sizes its arenas by CPU count; nothing to do there.
void TuneMalloc();

}  // namespace ipv6ha
