#include "checks/nptv6_rules_check.h"

#include <algorithm>

#include "checks/metric_table.h"
#include "checks/nptv6/nft_ruleset_parser.h"
#include "checks/nptv6/nptv6_config_parser.h"
#include "checks/nptv6/pf_nat_parser.h"
#include "checks/pds/pds_state_parser.h"
#include "exporter/platform/bounded_file.h"
#include "exporter/platform/command_runner.h"
#include "exporter/platform/interface_addresses.h"

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

CheckFactory Create(ConfigReader& config, const CheckEnv& env,
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
  return FactoryOf<Nptv6RulesCheck>(std::move(parsed));
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

nlohmann::json MappingJson(const ClassifiedMapping& m) {
  const auto& e = m.expected;
  nlohmann::json rule_list = nlohmann::json::array();
  for (const auto& r : m.rules) rule_list.push_back(RuleJson(r));
  return {{"lan", e.mapping.lan},
          {"wan", e.mapping.wan},
          {"interface", e.mapping.interface},
          {"pd_id", e.mapping.pd_id},
          {"internal", e.internal ? e.internal->ToString() : ""},
          {"external", e.external ? e.external->ToString() : ""},
          {"state", MappingStateName(m.state)},
          {"reason", m.reason},
          {"rules", rule_list}};
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
  // The run's time left, counted from its start (RunContext::steady_now).
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      context.deadline - context.steady_now);
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

Nptv6Observation Nptv6RulesCheck::Observe(const RunContext& context) {
  Nptv6Observation o;
  o.role = context.role;
  o.role_mixed = context.role_mixed;
  if (o.role == Role::kUnknown) return o;  // nothing to compare against
  auto fail = [&o](std::string why) {
    o.read_error = std::move(why);
    return o;
  };
  auto yml = ReadBoundedFile(config_.nptv6_config, config_.max_file_bytes);
  if (!yml) return fail("cannot read the NPTv6 config: " + yml.error().message);
  auto nptv6 = ParseNptv6Config(yml->content, config_.nptv6_config);
  if (!nptv6) return fail("NPTv6 config error: " + nptv6.error().message);
  o.nptv6 = std::move(nptv6.value());
  const std::string pds_path = !config_.pds_file.empty()   ? config_.pds_file
                               : !o.nptv6.pds_file.empty() ? o.nptv6.pds_file
                                                           : kDefaultPdsFile;
  auto pds_file = ReadBoundedFile(pds_path, config_.max_file_bytes);
  if (!pds_file)
    return fail("cannot read the prefix state file: " +
                pds_file.error().message);
  auto pds = ParsePdsState(pds_file->content);
  if (!pds)
    return fail("prefix state file " + pds_path +
                " is not usable: " + pds.error().message);
  o.pds = std::move(pds.value());
  auto addresses = addresses_();
  if (!addresses) return fail(addresses.error().message);
  o.addresses = std::move(addresses.value());
  auto rules = LoadedRules(context);
  if (!rules) return fail(rules.error().message);
  o.rules = std::move(rules.value());
  return o;
}

CheckResult Nptv6RulesCheck::Run(const RunContext& context) {
  const Nptv6Observation o = Observe(context);
  const Nptv6Verdict v = JudgeNptv6Rules(o, config_);
  CheckResult result{v.status, v.summary, nlohmann::json::object(), {}};
  if (!v.classified) return result;
  const Classification& c = v.classification;
  nlohmann::json mappings = nlohmann::json::array();
  for (const auto& m : c.mappings) mappings.push_back(MappingJson(m));
  nlohmann::json unexpected = nlohmann::json::array();
  for (const auto& r : c.unexpected) unexpected.push_back(RuleJson(r));
  result.details = {{"backend", config_.backend},
                    {"role", std::string(RoleName(o.role))},
                    {"rules_wanted", v.wanted && v.judged},
                    {"role_mixed", o.role_mixed},
                    {"apply_rules_only_on_master", v.only_master},
                    {"mappings", mappings},
                    {"unexpected_rules", unexpected},
                    {"rules_loaded", o.rules.size()}};

  MetricSamples states(kMetrics[kMappings]), info(kMetrics[kMappingInfo]),
      extra(kMetrics[kUnexpected]), loaded(kMetrics[kRulesLoaded]);
  for (const auto& [state, n] : v.counts)
    states.Add({MappingStateName(state)}, n);
  for (const auto& m : c.mappings) {
    const auto& e = m.expected;
    info.Add(
        {e.mapping.lan, e.mapping.wan, e.internal ? e.internal->ToString() : "",
         e.external ? e.external->ToString() : "", MappingStateName(m.state)},
        1);
  }
  extra.Add({}, static_cast<double>(c.unexpected.size()));
  loaded.Add({config_.backend}, static_cast<double>(o.rules.size()));
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
