# How the daemon is compiled and linked to keep its resident size small
# (docs/benchmarks.md, "Where the memory goes", measures each step). The
# top-level CMakeLists.txt includes this after finding the libraries and
# before find_package(OpenSSL), and calls ipv6ha_small_executable() on the
# daemon.
#
# IPV6HA_SMALL_CODE (default ON): in optimised builds (Release,
# RelWithDebInfo, MinSizeRel) compile with -Os, each function and datum in a
# section of its own, and let the linker drop the unreferenced ones
# (--gc-sections). The kernel maps a program's pages 64 KiB around each one
# it touches, so almost all of the code is resident: 1.2 MB at -Os against
# 2.9 MB at -O3.
#
# IPV6HA_STATIC_DEPS (default ON on Linux): the daemon carries the libraries
# it uses instead of loading them. A shared library costs its symbol and
# relocation tables, which the dynamic loader reads at start-up whatever the
# program then uses, and the data it relocates (libcrypto: 0.8 and 0.4 MiB;
# libstdc++: 0.6 MiB of tables), and fault-around maps its code 64 KiB at a
# time. So:
#   - OpenSSL from libssl.a and libcrypto.a (libssl-dev);
#   - yaml-cpp from libyaml-cpp.a (libyaml-cpp-dev);
#   - spdlog and fmt compiled in (their header-only form): spdlog::spdlog
#     keeps its name but no longer needs libspdlog.so or libfmt.so, which
#     --as-needed then leaves out;
#   - libstdc++ and libgcc statically (the daemon only, not the tests),
#     when prometheus-cpp is a static library too: Debian ships it shared
#     only, so scripts/install-deps.sh builds Debian's source of it into
#     IPV6HA_DEPS_PREFIX. With a shared prometheus-cpp, which needs the
#     shared libstdc++, the daemon links libstdc++ shared as well;
#   - packed relative relocations (-z pack-relative-relocs, DT_RELR: glibc
#     2.36, binutils 2.38), so the table of the libraries' pointer fixups is
#     a few KiB instead of hundreds.
# The cost: a security update of OpenSSL (or of the others) reaches the
# daemon when it is rebuilt, as with the Go exporters, which carry their TLS
# in the binary. OFF links the system's shared libraries.
#
# Sanitizer and fuzz builds turn both off (they measure other things);
# Debug builds keep their -O0 and link as IPV6HA_STATIC_DEPS says.

option(IPV6HA_SMALL_CODE "Optimise for size and drop unused code (optimised builds)" ON)
set(_ipv6ha_static_default OFF)
if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  set(_ipv6ha_static_default ON)
endif()
option(IPV6HA_STATIC_DEPS "Link OpenSSL, yaml-cpp, spdlog, fmt (and libstdc++) into the daemon"
       ${_ipv6ha_static_default})
if(IPV6HA_SANITIZE OR IPV6HA_FUZZ)
  set(IPV6HA_SMALL_CODE OFF)
  set(IPV6HA_STATIC_DEPS OFF)
endif()

if(IPV6HA_SMALL_CODE)
  set(_ipv6ha_optimised "$<CONFIG:Release,RelWithDebInfo,MinSizeRel>")
  # These come after CMAKE_CXX_FLAGS_<CONFIG> on the command line: -Os wins.
  add_compile_options("$<${_ipv6ha_optimised}:-Os;-ffunction-sections;-fdata-sections>")
  add_link_options("$<${_ipv6ha_optimised}:LINKER:--gc-sections>")
endif()

if(IPV6HA_STATIC_DEPS)
  set(OPENSSL_USE_STATIC_LIBS TRUE)

  find_library(IPV6HA_YAML_CPP_ARCHIVE NAMES libyaml-cpp.a)
  if(NOT IPV6HA_YAML_CPP_ARCHIVE)
    message(FATAL_ERROR "IPV6HA_STATIC_DEPS: no libyaml-cpp.a (libyaml-cpp-dev); "
                        "install it or configure with -DIPV6HA_STATIC_DEPS=OFF")
  endif()
  get_target_property(_ipv6ha_yaml_type yaml-cpp TYPE)
  if(_ipv6ha_yaml_type STREQUAL "SHARED_LIBRARY")
    # Debian's package config names only the shared library.
    set_target_properties(yaml-cpp PROPERTIES
      IMPORTED_LOCATION_NONE "${IPV6HA_YAML_CPP_ARCHIVE}"
      IMPORTED_LOCATION "${IPV6HA_YAML_CPP_ARCHIVE}"
      IMPORTED_NO_SONAME TRUE)
  endif()

  # spdlog's header-only mode: no SPDLOG_COMPILED_LIB/SPDLOG_SHARED_LIB, and
  # fmt header-only too (spdlog::spdlog_header_only still links libfmt.so).
  set_target_properties(spdlog::spdlog PROPERTIES
    INTERFACE_COMPILE_DEFINITIONS "SPDLOG_FMT_EXTERNAL;FMT_HEADER_ONLY=1"
    INTERFACE_LINK_LIBRARIES "Threads::Threads")
  add_link_options("LINKER:--as-needed")

  include(CheckLinkerFlag)
  check_linker_flag(CXX "LINKER:-z,pack-relative-relocs" IPV6HA_HAVE_RELR)
  if(IPV6HA_HAVE_RELR)
    add_link_options("LINKER:-z,pack-relative-relocs")
  endif()
endif()

# ipv6ha_small_executable(<target>): links libstdc++ and libgcc into
# <target> when IPV6HA_STATIC_DEPS is on and no C++ library it links is
# shared (prometheus-cpp decides: see above). Sets IPV6HA_SMALL_FOOTPRINT in
# the caller's scope: ON when every step above applies to <target> (in an
# optimised build), which the footprint tests hold to the issue's bounds.
function(ipv6ha_small_executable target)
  set(small OFF)
  if(IPV6HA_STATIC_DEPS)
    get_target_property(prometheus_type prometheus-cpp::core TYPE)
    if(prometheus_type STREQUAL "STATIC_LIBRARY")
      target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc)
      if(IPV6HA_SMALL_CODE)
        set(small ON)
      endif()
    else()
      message(STATUS "prometheus-cpp is a shared library: ${target} links libstdc++ "
                     "shared (scripts/install-deps.sh builds a static prometheus-cpp)")
    endif()
  endif()
  set(IPV6HA_SMALL_FOOTPRINT ${small} PARENT_SCOPE)
endfunction()
