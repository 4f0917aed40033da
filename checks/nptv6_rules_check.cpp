#include "checks/nptv6_rules_check.h"

#include <algorithm>

#include "checks/metric_table.h"
#include "checks/nptv6/nft_ruleset_parser.h"
#include "checks/nptv6/nptv6_classifier.h"
#include "checks/nptv6/nptv6_config_parser.h"
#include "checks/nptv6/pf_nat_parser.h"
#include "checks/pds/pds_state_parser.h"
#include "exporter/platform/bounded_file.h"
#include "exporter/platform/command_runner.h"
#include "exporter/platform/interface_addresses.h"
#include "exporter/text/join.h"

namespace ipv6ha {
namespace {

constexpr char kDefaultPdsFile[] = "/var/db/dhcp6c-pds.json";

// The metrics of the check (docs/metrics.md).
enum Metric { kMappings, kMappingInfo, kUnexpected, kRulesLoaded };
using prometheus::MetricType;
constexpr MetricDef kMetrics[] = {
    {"ipv6_ha_nptv6_mappings",
     "Expected NPTv6 mappings by state.",
     MetricType::Gauge,
     {"state"}},
    {"ipv6_ha_nptv6_mapping_info",
     "One series per expected NPTv6 mapping, with its state.",
     MetricType::Gauge,
     {"lan", "wan", "internal", "external", "state"}},
    {"ipv6_ha_nptv6_unexpected_rules",
     "Loaded NPTv6 rules that belong to no expected mapping.",
     MetricType::Gauge},
    {"ipv6_ha_nptv6_rules_loaded",
     "NPTv6 translation rules the backend reported.",
     MetricType::Gauge,
     {"backend"}},
};

std::optional<Ipv6Prefix> PrefixSetting(ConfigReader& config,
                                        const YAML::Node& node,
                                        const std::string& where) {
  if (!node.IsScalar()) {
    config.errors()->Add(node.Mark(), where + " must be an IPv6 prefix");
    return std::nullopt;
  }
  auto prefix = Ipv6Prefix::Parse(node.Scalar());
  if (!prefix) {
    config.errors()->Add(node.Mark(), where + ": " + prefix.error().message);
    return std::nullopt;
  }
  return *prefix;
}

std::unique_ptr<Check> Create(ConfigReader& config, const CheckEnv& env,
                              const CheckSettings& settings) {
  const std::size_t errors_before = config.errors()->all().size();
  Nptv6RulesConfig parsed;
  parsed.nptv6_config = config.String("nptv6_config", parsed.nptv6_config);
  parsed.pds_file = config.String("pds_file", "");
  parsed.backend = config.Enum("backend", {"pf", "nft"}, DefaultNptv6Backend());
  parsed.timeout = settings.timeout;
  parsed.max_file_bytes = static_cast<std::size_t>(config.Int(
      "max_file_bytes", static_cast<std::int64_t>(parsed.max_file_bytes), 1,
      std::int64_t{1} << 30));
  if (YAML::Node ula = config.Raw("ula_prefix"); ula.IsDefined()) {
    parsed.ula_prefix =
        PrefixSetting(config, ula, config.path() + ".ula_prefix");
  }
  if (YAML::Node lans = config.Raw("lan_internal"); lans.IsDefined()) {
    if (!lans.IsMap()) {
      config.Fail("lan_internal", config.path() +
                                      ".lan_internal must map LAN names to "
                                      "internal prefixes");
    } else {
      for (const auto& lan : lans) {
        const std::string name = lan.first.as<std::string>("");
        auto prefix = PrefixSetting(config, lan.second,
                                    config.path() + ".lan_internal." + name);
        if (prefix) parsed.lan_internal[name] = *prefix;
      }
    }
  }
  if (config.Has("apply_rules_only_on_master")) {
    parsed.apply_rules_only_on_master =
        config.Bool("apply_rules_only_on_master", true);
  }
  const std::string program = parsed.backend == "pf" ? "pfctl" : "nft";
  auto command = env.commands.find(program);
  parsed.command = command != env.commands.end()
                       ? command->second
                       : (program == "pfctl" ? "/sbin/pfctl" : "/usr/sbin/nft");
  if (parsed.nptv6_config.empty() || parsed.nptv6_config[0] != '/') {
    config.Fail("nptv6_config",
                config.path() + ".nptv6_config must be an absolute path");
  }
  if (config.errors()->all().size() != errors_before) return nullptr;
  return std::make_unique<Nptv6RulesCheck>(std::move(parsed));
}

Expected<InterfaceAddressMap> LiveAddresses() {
  auto live = ReadInterfaceAddresses();
  if (!live) return live.error();
  return InterfaceAddressMap(live->begin(), live->end());
}

nlohmann::json RuleJson(const NptRule& r) {
  return {{"interface", r.interface},
          {"from", r.from ? r.from->ToString() : ""},
          {"to", r.to.ToString()},
          {"label", r.label},
          {"source", r.source}};
}

// Every nfnetlink request needs CAP_NET_ADMIN, a read too. Without it nft
// 1.0 prints "Operation not permitted (you must be root)" and "netlink:
// Error: cache initialization failed: Operation not permitted" and exits 1
// (other versions exit 0 with nothing on stdout). The shipped systemd unit
// grants only CAP_NET_RAW; the nft-backend.conf drop-in adds CAP_NET_ADMIN.
bool NftLacksCapNetAdmin(const CommandOutput& out) {
  return out.stderr_text.find("Operation not permitted") != std::string::npos &&
         (out.exit_code != 0 ||
          out.stdout_text.find_first_not_of(" \t\r\n") == std::string::npos);
}

constexpr char kNftNeedsCapNetAdmin[] =
    "nft: Operation not permitted — the nft backend needs CAP_NET_ADMIN; "
    "see docs/security.md";

}  // namespace

Nptv6RulesCheck::Nptv6RulesCheck(Nptv6RulesConfig config,
                                 AddressSource addresses)
    : config_(std::move(config)), addresses_(std::move(addresses)) {
  if (!addresses_) addresses_ = LiveAddresses;
}

Expected<std::vector<NptRule>> Nptv6RulesCheck::LoadedRules(
    const RunContext& context) {
  CommandSpec spec;
  spec.argv =
      config_.backend == "pf"
          ? std::vector<std::string>{config_.command, "-s", "nat"}
          : std::vector<std::string>{config_.command, "-j", "list", "ruleset"};
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      context.deadline - std::chrono::steady_clock::now());
  spec.timeout =
      std::max(std::chrono::milliseconds(1), std::min(left, config_.timeout));
  spec.max_output_bytes = config_.max_file_bytes;
  auto out = RunCommand(spec);
  const std::string what = DescribeCommand(spec.argv);
  if (!out) return out.error();
  if (out->signal == 0 && config_.backend == "nft" &&
      NftLacksCapNetAdmin(*out)) {
    return Error{kNftNeedsCapNetAdmin};
  }
  if (auto failed = DescribeFailure(spec.argv, *out); !failed.empty())
    return Error{std::move(failed)};
  if (out->truncated) {
    return Error{what + " printed more than " +
                 std::to_string(config_.max_file_bytes) + " bytes"};
  }
  auto rules = config_.backend == "pf" ? ParsePfNat(out->stdout_text)
                                       : ParseNftRuleset(out->stdout_text);
  if (!rules)
    return Error{"cannot read the output of " + what + ": " +
                 rules.error().message};
  return rules;
}

CheckResult Nptv6RulesCheck::Run(const RunContext& context) {
  if (context.role == Role::kUnknown) {
    return CheckResult::Unknown(
        "the node's role is unknown, so it is unclear whether NPTv6 rules "
        "should be loaded");
  }
  auto yml = ReadBoundedFile(config_.nptv6_config, config_.max_file_bytes);
  if (!yml)
    return CheckResult::Unknown("cannot read the NPTv6 config: " +
                                yml.error().message);
  auto nptv6 = ParseNptv6Config(yml->content, config_.nptv6_config);
  if (!nptv6)
    return CheckResult::Unknown("NPTv6 config error: " + nptv6.error().message);
  const std::string pds_path = !config_.pds_file.empty()  ? config_.pds_file
                               : !nptv6->pds_file.empty() ? nptv6->pds_file
                                                          : kDefaultPdsFile;
  auto pds_file = ReadBoundedFile(pds_path, config_.max_file_bytes);
  if (!pds_file)
    return CheckResult::Unknown("cannot read the prefix state file: " +
                                pds_file.error().message);
  auto pds = ParsePdsState(pds_file->content);
  if (!pds)
    return CheckResult::Unknown("prefix state file " + pds_path +
                                " is not usable: " + pds.error().message);
  auto addresses = addresses_();
  if (!addresses) return CheckResult::Unknown(addresses.error().message);

  ExpectationInputs inputs;
  inputs.config = &*nptv6;
  inputs.pds = &*pds;
  inputs.addresses = &*addresses;
  inputs.ula_override = config_.ula_prefix;
  inputs.lan_internal = config_.lan_internal;
  const auto expected = ComputeExpectedMappings(inputs);

  auto rules = LoadedRules(context);
  if (!rules) return CheckResult::Unknown(rules.error().message);
  const Classification c = ClassifyMappings(expected, *rules);

  const bool only_master = config_.apply_rules_only_on_master.value_or(
      nptv6->ha.apply_rules_only_on_master);
  const bool wanted = context.role == Role::kMaster || !only_master;
  // Mixed CARP (some vhids MASTER, some not) is a failover in progress or a
  // split between the nodes: rules may rightly be loaded or not, and which
  // node should hold them cannot be told from here. So neither presence nor
  // absence is judged (docs/checks.md).
  const bool judged = !(context.role_mixed && only_master);

  std::vector<std::string> failures, unknowns;
  std::map<MappingState, int> counts;
  for (MappingState s : kAllMappingStates) counts[s] = 0;
  nlohmann::json mappings = nlohmann::json::array();
  MetricSamples info(kMetrics[kMappingInfo]);
  for (const auto& m : c.mappings) {
    ++counts[m.state];
    const auto& e = m.expected;
    const std::string name =
        e.mapping.lan + (e.mapping.wan.empty() ? "" : "/" + e.mapping.wan);
    if (m.state == MappingState::kUnknown) {
      unknowns.push_back(name + ": " + m.reason);
    } else if (!judged) {
      // reported in the summary below
    } else if (wanted && m.state != MappingState::kPresent) {
      failures.push_back(name + ": " + m.reason);
    } else if (!wanted && !m.rules.empty()) {
      failures.push_back(name + ": a rule for " + e.internal->ToString() +
                         " is loaded although this node is " +
                         std::string(RoleName(context.role)));
    }
    nlohmann::json rule_list = nlohmann::json::array();
    for (const auto& r : m.rules) rule_list.push_back(RuleJson(r));
    const std::string internal = e.internal ? e.internal->ToString() : "";
    const std::string external = e.external ? e.external->ToString() : "";
    mappings.push_back({{"lan", e.mapping.lan},
                        {"wan", e.mapping.wan},
                        {"interface", e.mapping.interface},
                        {"pd_id", e.mapping.pd_id},
                        {"internal", internal},
                        {"external", external},
                        {"state", MappingStateName(m.state)},
                        {"reason", m.reason},
                        {"rules", rule_list}});
    info.Add({e.mapping.lan, e.mapping.wan, internal, external,
              MappingStateName(m.state)},
             1);
  }
  nlohmann::json unexpected = nlohmann::json::array();
  for (const auto& r : c.unexpected) unexpected.push_back(RuleJson(r));

  const std::string role(RoleName(context.role));
  CheckResult result;
  if (!failures.empty()) {
    result = CheckResult::Fail(Join(failures, "; "));
  } else if (!unknowns.empty()) {
    result = CheckResult::Unknown(Join(unknowns, "; "));
  } else if (!judged) {
    result = CheckResult::Unknown(
        "CARP is mixed (some vhids MASTER, some not): whether NPTv6 rules "
        "belong on this node is not judged until every vhid agrees; " +
        std::to_string(counts[MappingState::kPresent]) + " of " +
        std::to_string(c.mappings.size()) + " mapping(s) loaded");
  } else if (wanted) {
    result = CheckResult::Ok(std::to_string(counts[MappingState::kPresent]) +
                             " NPTv6 mapping(s) loaded as expected on " + role);
  } else {
    result = CheckResult::Ok("no NPTv6 rules for the LANs on " + role +
                             ", as expected");
  }
  if (!c.unexpected.empty()) {
    result.summary += " (" + std::to_string(c.unexpected.size()) +
                      " unexpected NPTv6 rule(s))";
  }
  result.details = {{"backend", config_.backend},
                    {"role", role},
                    {"rules_wanted", wanted && judged},
                    {"role_mixed", context.role_mixed},
                    {"apply_rules_only_on_master", only_master},
                    {"mappings", mappings},
                    {"unexpected_rules", unexpected},
                    {"rules_loaded", rules->size()}};

  MetricSamples states(kMetrics[kMappings]), extra(kMetrics[kUnexpected]),
      loaded(kMetrics[kRulesLoaded]);
  for (const auto& [state, n] : counts)
    states.Add({MappingStateName(state)}, n);
  extra.Add({}, static_cast<double>(c.unexpected.size()));
  loaded.Add({config_.backend}, static_cast<double>(rules->size()));
  for (auto* f : {&states, &info, &extra, &loaded})
    result.metrics.push_back(f->Take());
  return result;
}

CheckRegistration Nptv6RulesCheckRegistration() {
  RoleSet roles;
  roles.unknown = false;
  return {"nptv6_rules",
          Scope::kLocal,
          roles,
          std::chrono::seconds(30),
          std::chrono::seconds(5),
          &Create,
          {kMetrics}};
}

}  // namespace ipv6ha
