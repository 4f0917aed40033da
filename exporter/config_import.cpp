#include "exporter/config_import.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "checks/services_check.h"

namespace ipv6ha {
namespace {

constexpr std::size_t kMaxImportBytes = 1024 * 1024;

// Public resolvers that answer ICMPv6 echo; the comment asks to replace them.
const std::vector<std::string> kDefaultTargets = {
    "2001:4860:4860::8888", "2606:4700:4700::1111", "2620:fe::fe"};

std::string Where(const std::string& path, const YAML::Mark& mark) {
  if (mark.line < 0) return path;
  return path + ":" + std::to_string(mark.line + 1) + ":" +
         std::to_string(mark.column + 1);
}

std::vector<std::string> SplitWords(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// A YAML scalar as written ("2", "lagg0"); "" when absent or not a scalar.
std::string ScalarOf(const YAML::Node& map, const char* key) {
  const YAML::Node v = map[key];
  return v && v.IsScalar() ? v.Scalar() : "";
}

Expected<bool> FlagOf(const YAML::Node& ha, const char* key, bool fallback,
                      const std::string& path) {
  const YAML::Node v = ha[key];
  if (!v || v.IsNull()) return fallback;
  bool out = fallback;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(v, out)) {
    return Error{Where(path, v.Mark()) + ": ha." + key + " must be true or false"};
  }
  return out;
}

// Reads what the import needs from checkset-nptv6.yml.
Status ReadNptv6(std::string_view text, const std::string& path, ImportedConfig& out) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Error{Where(path, e.mark) + ": YAML syntax error: " + e.msg};
  }
  if (!root.IsMap()) {
    return Error{path + ": expected a mapping with lan-interfaces (checkset-nptv6.yml)"};
  }
  if (const std::string pds = ScalarOf(root, "dhcp6c-pds-file"); !pds.empty()) {
    out.pds_file = pds;
  }
  if (const YAML::Node ha = root["ha"]; ha && !ha.IsNull()) {
    if (!ha.IsMap()) return Error{Where(path, ha.Mark()) + ": ha must be a mapping"};
    auto only_master = FlagOf(ha, "apply_rules_only_on_master", true, path);
    if (!only_master) return only_master.error();
    out.apply_rules_only_on_master = *only_master;
    auto sync = FlagOf(ha, "sync_state", false, path);
    if (!sync) return sync.error();
    out.sync_state = out.sync_state || *sync;
    if (out.peer_address.empty()) {
      out.peer_address = ScalarOf(ha, "backup_node_ip");
      if (!out.peer_address.empty()) {
        out.peer_address_from = "ha.backup_node_ip in " + path;
      }
    }
  }
  const YAML::Node lans = root["lan-interfaces"];
  if (!lans || !lans.IsMap()) {
    return Error{Where(path, lans ? lans.Mark() : root.Mark()) +
                 ": lan-interfaces must be a mapping of LAN names"};
  }
  for (const auto& lan : lans) {
    const std::string name = lan.first.as<std::string>("");
    const YAML::Node body = lan.second;
    if (!body.IsMap()) {
      return Error{Where(path, body.Mark()) + ": lan-interfaces." + name +
                   " must be a mapping"};
    }
    const std::string device = ScalarOf(body, "interface");
    if (const YAML::Node mappings = body["mappings"]; mappings) {
      if (!mappings.IsMap()) {
        return Error{Where(path, mappings.Mark()) + ": lan-interfaces." + name +
                     ".mappings must be a mapping of WAN names"};
      }
      for (const auto& m : mappings) {
        out.lan_mappings.push_back({name, device, m.first.as<std::string>(""),
                                    ScalarOf(m.second, "pd-id"),
                                    ScalarOf(m.second, "pd-sla"),
                                    ScalarOf(m.second, "pd-len")});
      }
    } else {
      out.lan_mappings.push_back({name, device, "", ScalarOf(body, "pd-id"),
                                  ScalarOf(body, "sla-id"),
                                  ScalarOf(body, "prefix-len")});
    }
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
  if (auto enabled = ha.Get("ENABLE_IPV6"); enabled && !ShellFlagIsTrue(*enabled)) {
    out.notes.push_back("ENABLE_IPV6 is \"" + *enabled + "\" in " + path +
                        ": ha-singleton does not manage IPv6 on this pair");
  }
}

// A YAML scalar: plain when it cannot be misread, else double-quoted.
std::string Scalar(const std::string& s) {
  const bool plain = !s.empty() &&
                     s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "0123456789_./-") == std::string::npos &&
                     s[0] != '-';
  return plain ? s : nlohmann::json(s).dump();
}

std::string FlowList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += (i ? ", " : "") + Scalar(items[i]);
  }
  return out + "]";
}

std::string CheckName(const std::string& base, const std::string& suffix) {
  std::string name = base + "_";
  for (char c : suffix) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return name;
}

}  // namespace

Expected<ImportedConfig> DeriveImportedConfig(const ShellVariables* ha,
                                              const std::string& ha_path,
                                              std::string_view nptv6_text,
                                              const std::string& nptv6_path) {
  if (ha == nullptr && nptv6_path.empty()) {
    return Error{"nothing to import: give --import-ha-singleton FILE and/or --import-nptv6 FILE"};
  }
  ImportedConfig out;
  out.ha_singleton_path = ha ? ha_path : "";
  out.nptv6_path = nptv6_path;
  // ha-singleton first: its ALT_DEFROUTE_IPV6 wins over ha.backup_node_ip.
  if (ha) ReadHaSingleton(*ha, ha_path, out);
  if (!nptv6_path.empty()) {
    if (auto st = ReadNptv6(nptv6_text, nptv6_path, out); !st) return st.error();
  }
  if (out.services.empty()) out.services = DefaultServiceNames();
  if (out.peer_address.empty()) {
    out.notes.push_back(
        "no peer address (ALT_DEFROUTE_IPV6 or ha.backup_node_ip): add peer.address "
        "and the peer_reachability and state_sync checks by hand");
  }
  if (!out.sync_state) {
    out.notes.push_back(
        "state sync is off (SYNC_IPV6_STATE / ha.sync_state): no state_sync check");
  }
  return out;
}

std::string RenderImportedConfig(const ImportedConfig& c) {
  std::ostringstream y;
  y << "# ipv6_ha_exporter configuration imported from:\n";
  if (!c.ha_singleton_path.empty()) y << "#   " << c.ha_singleton_path << "\n";
  if (!c.nptv6_path.empty()) y << "#   " << c.nptv6_path << "\n";
  y << "# Review it, save it (e.g. /usr/local/etc/ipv6_ha_exporter/ipv6_ha_exporter.yml)\n"
       "# and validate it: ipv6_ha_exporter --config FILE --check-config\n";
  for (const auto& note : c.notes) y << "# NOTE: " << note << "\n";
  if (!c.lan_mappings.empty()) {
    y << "#\n# LAN mappings nptv6_rules derives from " << c.nptv6_path << ":\n";
    for (const auto& m : c.lan_mappings) {
      y << "#   " << m.lan << " (" << m.interface << ")"
        << (m.wan.empty() ? "" : " via " + m.wan) << ": pd " << m.pd_id << ", sla "
        << m.sla << ", len " << m.pd_len << "\n";
    }
  }
  y << "\nlisten: \"[::]:9646\"\n"
       "role:\n  source: carp\n";
  if (!c.peer_address.empty()) {
    y << "peer:\n"
         "  # from " << c.peer_address_from << ";\n"
         "  # on each node this must be the OTHER node's address\n"
         "  address: " << Scalar(c.peer_address) << "\n"
         "  api: " << Scalar("http://[" + c.peer_address + "]:9646") << "\n";
  }
  y << "checks:\n"
       "  prefix_freshness:\n"
       "    pds_file: " << Scalar(c.pds_file) << "\n";
  if (!c.nptv6_path.empty()) y << "    nptv6_config: " << Scalar(c.nptv6_path) << "\n";
  y << "    max_age: 1h\n"
       "    weight: 100\n";
  if (!c.nptv6_path.empty()) {
    y << "  nptv6_rules:\n"
         "    nptv6_config: " << Scalar(c.nptv6_path) << "\n"
         "    pds_file: " << Scalar(c.pds_file) << "\n"
         "    backend: pf\n"
         "    apply_rules_only_on_master: "
      << (c.apply_rules_only_on_master ? "true" : "false") << "\n"
         "    weight: 100\n";
  }
  y << "  ipv6_connectivity:\n"
       "    # public resolvers; prefer targets your ISP answers reliably\n"
       "    targets: " << FlowList(kDefaultTargets) << "\n"
       "    quorum: 1\n"
       "    interval: 1s\n"
       "    timeout: 800ms\n"
       "    weight: 100\n";
  if (c.wan_interfaces.size() > 1) {
    for (const auto& wan : c.wan_interfaces) {
      y << "  " << CheckName("ipv6_connectivity", wan) << ":\n"
           "    type: ipv6_connectivity\n"
           "    interface: " << Scalar(wan) << "   # WAN_INTS; observe only\n"
           "    targets: " << FlowList(kDefaultTargets) << "\n"
           "    quorum: 1\n"
           "    weight: 0\n";
    }
  }
  if (!c.peer_address.empty()) {
    y << "  peer_reachability:\n"
         "    interval: 1s\n";
  }
  y << "  services:\n"
       "    # SERVICES; MASTER runs them as marked, BACKUP runs none\n"
       "    services:\n";
  for (const auto& name : c.services) {
    const ServiceRule rule = DefaultServiceRule(name);
    y << "      " << Scalar(name) << ": {master: " << ExpectationName(rule.master)
      << ", backup: " << ExpectationName(rule.backup);
    if (!rule.pidfile.empty()) y << ", pidfile: " << Scalar(rule.pidfile);
    y << "}\n";
  }
  y << "    weight: 100\n";
  if (c.sync_state && !c.peer_address.empty()) {
    y << "  state_sync:\n"
         "    pds_file: " << Scalar(c.pds_file) << "\n"
         "    max_lag: 5m\n"
         "    weight: 50\n";
  }
  y << "demotion:\n"
       "  enabled: true\n"
       "  sink: carp_sysctl\n"
       "  state_file: /var/db/ipv6_ha_exporter.state\n"
       "  fall: 3\n"
       "  rise: 5\n"
       "  hold_down: 30s\n"
       "  max: 240\n"
       "  upstream_failover: peer_confirmed\n"
       "  # observe first: set to false once the decisions on /api/v1/status look right\n"
       "  dry_run: true\n";
  return y.str();
}

Expected<std::string> ImportConfigFiles(const std::string& ha_singleton_path,
                                        const std::string& nptv6_path) {
  auto read = [](const std::string& path) -> Expected<std::string> {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{path + ": cannot read: " + std::strerror(errno)};
    std::ostringstream buf;
    buf << in.rdbuf();
    if (buf.str().size() > kMaxImportBytes) {
      return Error{path + ": larger than 1 MiB; is it the right file?"};
    }
    return buf.str();
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
