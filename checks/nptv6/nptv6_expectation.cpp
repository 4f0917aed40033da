#include "checks/nptv6/nptv6_expectation.h"

namespace ipv6ha {
namespace {

void ResolveInternal(const ExpectationInputs& in, ExpectedMapping& m) {
  auto explicit_prefix = in.lan_internal.find(m.mapping.lan);
  if (explicit_prefix != in.lan_internal.end()) {
    m.internal = explicit_prefix->second;
    return;
  }
  const std::optional<Ipv6Prefix> ula =
      in.ula_override ? in.ula_override : in.config->ula;
  if (!ula) {
    m.error =
        "no ipv6-ula in the NPTv6 config and no lan_internal prefix for " +
        m.mapping.lan;
    m.config_error = true;
    return;
  }
  auto iface = in.addresses ? in.addresses->find(m.mapping.interface)
                            : InterfaceAddressMap::const_iterator();
  if (!in.addresses || iface == in.addresses->end()) {
    m.error = "LAN interface " + m.mapping.interface + " (" + m.mapping.lan +
              ") does not exist or has no IPv6 address";
    return;
  }
  for (const auto& address : iface->second) {
    if (ula->Contains(address)) {
      m.internal = Ipv6Prefix(address, 64);
      return;
    }
  }
  m.error = "LAN interface " + m.mapping.interface + " (" + m.mapping.lan +
            ") has no address inside " + ula->ToString();
}

void ResolveExternal(const ExpectationInputs& in, ExpectedMapping& m) {
  const PrefixDelegation* pd = in.pds->Find(m.mapping.pd_id);
  const std::string name = "prefix delegation " + m.mapping.pd_id;
  std::string problem;
  if (pd == nullptr) {
    problem = name + " is not in the prefix state file";
  } else if (!pd->active()) {
    problem = name + " is " + pd->status + ", not active";
  } else if (!pd->parsed_prefix) {
    problem = name + " has no valid IPv6 prefix (\"" +
              pd->prefix.substr(0, 60) + "\")";
  }
  if (pd != nullptr) m.pd_interface = pd->interface;
  if (!problem.empty()) {
    if (m.error.empty()) m.error = problem;
    return;
  }
  auto external =
      ExternalPrefix(*pd->parsed_prefix, m.mapping.sla, m.mapping.pd_len);
  if (!external) {
    m.error = m.mapping.where + ": " + external.error().message;
    m.config_error = true;
    return;
  }
  m.external = *external;
}

}  // namespace

Expected<Ipv6Prefix> ExternalPrefix(const Ipv6Prefix& pd, std::uint64_t sla,
                                    int pd_len) {
  return pd.Subnet(sla, pd.length() + pd_len);
}

std::vector<ExpectedMapping> ComputeExpectedMappings(
    const ExpectationInputs& inputs) {
  std::vector<ExpectedMapping> out;
  for (const auto& mapping : inputs.config->mappings) {
    ExpectedMapping m;
    m.mapping = mapping;
    ResolveInternal(inputs, m);
    ResolveExternal(inputs, m);
    // A config error wins over an operational one: it is what to fix first.
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace ipv6ha
