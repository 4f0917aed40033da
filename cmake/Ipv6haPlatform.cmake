# Which platform's files a build compiles. OS-specific code lives in file
# pairs named <unit>_linux.cpp / <unit>_freebsd.cpp (never #ifdef halves);
# the portable part of a unit stays in <unit>.cpp and is tested on Linux.
# CMAKE_SYSTEM_NAME decides, so a tree configured with
# -DCMAKE_SYSTEM_NAME=FreeBSD lists exactly what a FreeBSD build compiles
# (scripts/check-freebsd.sh relies on that).
if(CMAKE_SYSTEM_NAME STREQUAL "FreeBSD")
  set(IPV6HA_PLATFORM freebsd)
elseif(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  set(IPV6HA_PLATFORM linux)
else()
  message(FATAL_ERROR
    "ipv6_ha_exporter builds on Linux and FreeBSD, not on ${CMAKE_SYSTEM_NAME}")
endif()

# ipv6ha_platform_sources(<list variable>): removes from the list every
# *_linux.cpp or *_freebsd.cpp (also *_linux_test.cpp) of the other platform.
function(ipv6ha_platform_sources list_var)
  set(kept)
  foreach(source IN LISTS ${list_var})
    get_filename_component(stem "${source}" NAME_WE)
    string(REGEX REPLACE "_test$" "" stem "${stem}")
    if(stem MATCHES "_(linux|freebsd)$" AND NOT stem MATCHES "_${IPV6HA_PLATFORM}$")
      continue()
    endif()
    list(APPEND kept "${source}")
  endforeach()
  set(${list_var} ${kept} PARENT_SCOPE)
endfunction()
