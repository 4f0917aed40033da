#include "exporter/cli.h"

int main(int argc, char** argv) { return ipv6ha::RunCli(argc, argv); }
