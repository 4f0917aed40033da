// Links civetweb::civetweb-cpp and reports the IPv6 feature bit through it.
#include <CivetServer.h>

#include <cstdio>

int main() {
  std::printf("cpp ipv6=%d\n", mg_check_feature(8) != 0 ? 1 : 0);
  return 0;
}
