#include "exporter/cli.h"
#include "exporter/platform/malloc_tuning.h"

int main(int argc, char** argv) {
  ipv6ha::TuneMalloc();
  return ipv6ha::RunCli(argc, argv);
}
