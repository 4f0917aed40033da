#include "exporter/import/config_import.h"

#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "checks/nptv6/nptv6_config_parser.h"
#include "checks/services_check.h"
#include "exporter/platform/bounded_file.h"
#include "exporter/text/join.h"
#include "exporter/text/utf8.h"

namespace ipv6ha {
namespace {

// Public resolvers that answer ICMPv6 echo; the comment asks to replace them.
const std::vector<std::string> kDefaultTargets = {
    "2001:4860:4860::8888", "2606:4700:4700::1111", "2620:fe::fe"};

std::vector<std::string> SplitWords(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// Reads what the import needs from checkset-nptv6.yml, with the parser the
// nptv6_rules check uses, so the import accepts exactly what the check does.
Status ReadNptv6(std::string_view text, const std::string& path,
                 ImportedConfig& out) {
  auto parsed = ParseNptv6Config(text, path);
  if (!parsed) return parsed.error();
  if (!parsed->pds_file.empty()) out.pds_file = parsed->pds_file;
  if (parsed->has_ha_block) {
    out.apply_rules_only_on_master = parsed->ha.apply_rules_only_on_master;
    out.sync_state = out.sync_state || parsed->ha.sync_state;
    if (out.peer_address.empty() && !parsed->ha.backup_node_ip.empty()) {
      out.peer_address = parsed->ha.backup_node_ip;
      out.peer_address_from = "ha.backup_node_ip in " + path;
    }
  }
  for (const auto& m : parsed->mappings) {
    out.lan_mappings.push_back({m.lan, m.interface, m.wan, m.pd_id,
                                std::to_string(m.sla),
                                std::to_string(m.pd_len)});
  }
  return OkStatus();
}

void ReadHaSingleton(const ShellVariables& ha, const std::string& path,
                     ImportedConfig& out) {
  for (const auto& w : ha.warnings) out.notes.push_back(w);
  if (auto peer = ha.Get("ALT_DEFROUTE_IPV6"); peer && !peer->empty()) {
    out.peer_address = *peer;
    out.peer_address_from = "ALT_DEFROUTE_IPV6 in " + path;
  }
  if (auto wans = ha.Get("WAN_INTS")) out.wan_interfaces = SplitWords(*wans);
  if (auto services = ha.Get("SERVICES")) out.services = SplitWords(*services);
  if (auto sync = ha.Get("SYNC_IPV6_STATE")) {
    out.sync_state = out.sync_state || ShellFlagIsTrue(*sync);
  }
  if (auto enabled = ha.Get("ENABLE_IPV6");
      enabled && !ShellFlagIsTrue(*enabled)) {
    out.notes.push_back("ENABLE_IPV6 is \"" + *enabled + "\" in " + path +
                        ": ha-singleton does not manage IPv6 on this pair");
  }
}

// The peer's API on its address: brackets for IPv6 only (an IPv4 sync link
// such as backup_node_ip 192.168.105.2 has none).
std::string PeerApiUrl(const std::string& address) {
  const bool v6 = address.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + address + "]" : address) + ":9646";
}

// A YAML scalar: plain when it cannot be misread, else double-quoted.
std::string Scalar(const std::string& s) {
  const bool plain = !s.empty() &&
                     s.find_first_not_of(
                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                         "0123456789_./-") == std::string::npos &&
                     s[0] != '-';
  return plain ? s : nlohmann::json(s).dump();
}

std::string FlowList(const std::vector<std::string>& items) {
  std::vector<std::string> scalars;
  scalars.reserve(items.size());
  for (const auto& item : items) scalars.push_back(Scalar(item));
  return "[" + Join(scalars, ", ") + "]";
}

std::string CheckName(const std::string& base, const std::string& suffix) {
  std::string name = base + "_";
  for (char c : suffix) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return name;
}

// The comment block: where the config came from, notes, LAN mappings.
void RenderHeader(const ImportedConfig& c, std::ostream& y) {
  y << "# ipv6_ha_exporter configuration imported from:\n";
  if (!c.ha_singleton_path.empty()) y << "#   " << c.ha_singleton_path << "\n";
  if (!c.nptv6_path.empty()) y << "#   " << c.nptv6_path << "\n";
  y << "# Review it, save it (e.g. "
       "/usr/local/etc/ipv6_ha_exporter/ipv6_ha_exporter.yml)\n"
       "# and validate it: ipv6_ha_exporter --config FILE --check-config\n";
  for (const auto& note : c.notes) y << "# NOTE: " << note << "\n";
  if (!c.lan_mappings.empty()) {
    y << "#\n# LAN mappings nptv6_rules derives from " << c.nptv6_path << ":\n";
    for (const auto& m : c.lan_mappings) {
      y << "#   " << m.lan << " (" << m.interface << ")"
        << (m.wan.empty() ? "" : " via " + m.wan) << ": pd " << m.pd_id
        << ", sla " << m.sla << ", len " << m.pd_len << "\n";
    }
  }
}

// listen, role and (when known) peer.
void RenderListenRolePeer(const ImportedConfig& c, std::ostream& y) {
  y << "\nlisten: \"[::]:9646\"\n"
       "role:\n  source: carp\n";
  if (!c.peer_address.empty()) {
    y << "peer:\n"
         "  # from "
      << c.peer_address_from
      << ";\n"
         "  # on each node this must be the OTHER node's address\n"
         "  address: "
      << Scalar(c.peer_address)
      << "\n"
         "  api: "
      << Scalar(PeerApiUrl(c.peer_address)) << "\n";
  }
}

// "checks:" and the local checks: prefix_freshness, nptv6_rules.
void RenderLocalChecks(const ImportedConfig& c, std::ostream& y) {
  y << "checks:\n"
       "  prefix_freshness:\n"
       "    pds_file: "
    << Scalar(c.pds_file) << "\n";
  if (!c.nptv6_path.empty())
    y << "    nptv6_config: " << Scalar(c.nptv6_path) << "\n";
  y << "    max_age: 1h\n"
       "    weight: 100\n";
  if (!c.nptv6_path.empty()) {
    y << "  nptv6_rules:\n"
         "    nptv6_config: "
      << Scalar(c.nptv6_path)
      << "\n"
         "    pds_file: "
      << Scalar(c.pds_file)
      << "\n"
         "    backend: pf\n"
         "    apply_rules_only_on_master: "
      << (c.apply_rules_only_on_master ? "true" : "false")
      << "\n"
         "    weight: 100\n";
  }
}

// ipv6_connectivity, and one observe-only instance per WAN when there
// are several.
void RenderConnectivityChecks(const ImportedConfig& c, std::ostream& y) {
  y << "  ipv6_connectivity:\n"
       "    # public resolvers; prefer targets your ISP answers reliably\n"
       "    targets: "
    << FlowList(kDefaultTargets)
    << "\n"
       "    quorum: 1\n"
       "    interval: 1s\n"
       "    timeout: 800ms\n"
       "    weight: 100\n";
  if (c.wan_interfaces.size() > 1) {
    for (const auto& wan : c.wan_interfaces) {
      y << "  " << CheckName("ipv6_connectivity", wan)
        << ":\n"
           "    type: ipv6_connectivity\n"
           "    interface: "
        << Scalar(wan)
        << "   # WAN_INTS; observe only\n"
           "    targets: "
        << FlowList(kDefaultTargets)
        << "\n"
           "    quorum: 1\n"
           "    weight: 0\n";
    }
  }
}

// peer_reachability, services and state_sync.
void RenderPeerAndServiceChecks(const ImportedConfig& c, std::ostream& y) {
  if (!c.peer_address.empty()) {
    y << "  peer_reachability:\n"
         "    interval: 1s\n";
  }
  y << "  services:\n"
       "    # SERVICES; MASTER runs them as marked, BACKUP runs none\n"
       "    services:\n";
  for (const auto& name : c.services) {
    const ServiceRule rule = DefaultServiceRule(name);
    y << "      " << Scalar(name)
      << ": {master: " << ExpectationName(rule.master)
      << ", backup: " << ExpectationName(rule.backup);
    if (!rule.pidfile.empty()) y << ", pidfile: " << Scalar(rule.pidfile);
    y << "}\n";
  }
  y << "    weight: 100\n";
  if (c.sync_state && !c.peer_address.empty()) {
    y << "  state_sync:\n"
         "    pds_file: "
      << Scalar(c.pds_file)
      << "\n"
         "    max_lag: 5m\n"
         "    weight: 50\n";
  }
}

// The demotion section: enabled, but in dry run until an operator looks.
void RenderDemotion(std::ostream& y) {
  y << "demotion:\n"
       "  enabled: true\n"
       "  sink: carp_sysctl\n"
       "  state_file: /var/db/ipv6_ha_exporter.state\n"
       "  fall: 3\n"
       "  rise: 5\n"
       "  hold_down: 30s\n"
       "  max: 240\n"
       "  upstream_failover: peer_confirmed\n"
       "  # observe first: set to false once the decisions on /api/v1/status "
       "look right\n"
       "  dry_run: true\n";
}

}  // namespace

Expected<ImportedConfig> DeriveImportedConfig(const ShellVariables* ha,
                                              const std::string& ha_path,
                                              std::string_view nptv6_text,
                                              const std::string& nptv6_path) {
  if (ha == nullptr && nptv6_path.empty()) {
    return Error{
        "nothing to import: give --import-ha-singleton FILE and/or "
        "--import-nptv6 FILE"};
  }
  ImportedConfig out;
  out.ha_singleton_path = ha ? ha_path : "";
  out.nptv6_path = nptv6_path;
  // ha-singleton first: its ALT_DEFROUTE_IPV6 wins over ha.backup_node_ip.
  if (ha) ReadHaSingleton(*ha, ha_path, out);
  if (!nptv6_path.empty()) {
    if (auto st = ReadNptv6(nptv6_text, nptv6_path, out); !st)
      return st.error();
  }
  if (out.services.empty()) out.services = DefaultServiceNames();
  if (out.peer_address.empty()) {
    out.notes.emplace_back(
        "no peer address (ALT_DEFROUTE_IPV6 or ha.backup_node_ip): add "
        "peer.address "
        "and the peer_reachability and state_sync checks by hand");
  }
  if (!out.sync_state) {
    out.notes.emplace_back(
        "state sync is off (SYNC_IPV6_STATE / ha.sync_state): no state_sync "
        "check");
  }
  return out;
}

std::string RenderImportedConfig(const ImportedConfig& c) {
  std::ostringstream y;
  RenderHeader(c, y);
  RenderListenRolePeer(c, y);
  RenderLocalChecks(c, y);
  RenderConnectivityChecks(c, y);
  RenderPeerAndServiceChecks(c, y);
  RenderDemotion(y);
  return y.str();
}

Expected<std::string> ImportConfigFiles(const std::string& ha_singleton_arg,
                                        const std::string& nptv6_arg) {
  // The config names these files for the checks: absolute, wherever the
  // import was run from.
  auto absolute = [](const std::string& path) {
    std::error_code ec;
    auto abs = std::filesystem::absolute(path, ec);
    return path.empty() || ec ? path : abs.lexically_normal().string();
  };
  const std::string ha_singleton_path = absolute(ha_singleton_arg);
  const std::string nptv6_path = absolute(nptv6_arg);
  auto read = [](const std::string& path) -> Expected<std::string> {
    auto text = ReadOperatorFile(path);
    if (!text) return text.error();
    RepairUtf8InPlace(*text);  // the derived config must be UTF-8 text
    return text;
  };
  std::optional<ShellVariables> ha;
  if (!ha_singleton_path.empty()) {
    auto text = read(ha_singleton_path);
    if (!text) return text.error();
    auto parsed = ParseHaSingleton(*text, ha_singleton_path);
    if (!parsed) return parsed.error();
    ha = std::move(*parsed);
  }
  std::string nptv6_text;
  if (!nptv6_path.empty()) {
    auto text = read(nptv6_path);
    if (!text) return text.error();
    nptv6_text = std::move(*text);
  }
  auto derived = DeriveImportedConfig(ha ? &*ha : nullptr, ha_singleton_path,
                                      nptv6_text, nptv6_path);
  if (!derived) return derived.error();
  return RenderImportedConfig(*derived);
}

}  // namespace ipv6ha
