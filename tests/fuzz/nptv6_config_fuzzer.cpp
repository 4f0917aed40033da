// libFuzzer target: checkset-nptv6.yml parser, then the expected-mapping
// arithmetic against a fixed set of delegated prefixes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checks/nptv6/nptv6_config_parser.h"
#include "checks/nptv6/nptv6_expectation.h"

namespace {

const ipv6ha::PdsState& FixedPds() {
  static const ipv6ha::PdsState pds = *ipv6ha::ParsePdsState(R"({
    "0": {"prefix": "2001:db8:aa00::/56"}, "1": {"prefix": "2001:db8:bb00:10::/60"},
    "2": {"prefix": "2001:db8::/32"}, "3": {"prefix": "2001:db8:1:2::/64"}})");
  return pds;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = ipv6ha::ParseNptv6Config(text, "fuzz.yml");
  if (!config.ok()) return 0;
  const ipv6ha::InterfaceAddressMap addresses = {
      {"igc2", {*ipv6ha::Ipv6Prefix::ParseAddress("fd03:17ac:e938:10::1")}}};
  ipv6ha::ExpectationInputs in;
  in.config = &*config;
  in.pds = &FixedPds();
  in.addresses = &addresses;
  (void)ipv6ha::ComputeExpectedMappings(in);
  return 0;
}
