#include "checks/nptv6/nptv6_config_parser.h"

#include <yaml-cpp/yaml.h>

namespace ipv6ha {
namespace {

class Parser {
 public:
  explicit Parser(std::string name) : name_(std::move(name)) {}

  Expected<Nptv6Config> Parse(const YAML::Node& root) {
    if (!root.IsMap()) return Fail(root, "the file must be a YAML mapping");
    Nptv6Config config;
    if (auto ula = root["ipv6-ula"]; ula && !ula.IsNull()) {
      auto text = Scalar(ula, "ipv6-ula");
      if (!text) return text.error();
      auto prefix = Ipv6Prefix::Parse(*text);
      if (!prefix) return Fail(ula, "ipv6-ula: " + prefix.error().message);
      config.ula = *prefix;
    }
    if (auto pds = root["dhcp6c-pds-file"]; pds && !pds.IsNull()) {
      auto text = Scalar(pds, "dhcp6c-pds-file");
      if (!text) return text.error();
      config.pds_file = *text;
    }
    YAML::Node lans = root["lan-interfaces"];
    if (!lans || lans.IsNull()) {
      return Fail(root,
                  "lan-interfaces is missing: nothing says which LAN is "
                  "translated onto which prefix");
    }
    if (!lans.IsMap()) {
      return Fail(lans, "lan-interfaces must be a mapping of LAN names");
    }
    for (const auto& lan : lans) {
      auto status = ParseLan(lan.first, lan.second, config.mappings);
      if (!status) return status.error();
    }
    if (auto ha = root["ha"]; ha && !ha.IsNull()) {
      auto status = ParseHa(ha, config);
      if (!status) return status.error();
    }
    return config;
  }

 private:
  Error Fail(const YAML::Node& node, const std::string& message) const {
    return Error{Where(node) + ": " + message};
  }

  std::string Where(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.line < 0) return name_;
    return name_ + ":" + std::to_string(mark.line + 1) + ":" +
           std::to_string(mark.column + 1);
  }

  Expected<std::string> Scalar(const YAML::Node& node,
                               const std::string& what) {
    if (!node.IsScalar()) return Fail(node, what + " must be a single value");
    return node.Scalar();
  }

  Expected<std::int64_t> Number(const YAML::Node& parent, const char* key,
                                const std::string& where, std::int64_t min,
                                std::int64_t max, bool required) {
    YAML::Node node = parent[key];
    if (!node || node.IsNull()) {
      if (required) return Fail(parent, where + "." + key + " is missing");
      return std::int64_t{0};
    }
    std::int64_t value = 0;
    if (!node.IsScalar() || !YAML::convert<std::int64_t>::decode(node, value)) {
      return Fail(node, where + "." + key + " must be a whole number");
    }
    if (value < min || value > max) {
      return Fail(node, where + "." + key + " must be between " +
                            std::to_string(min) + " and " +
                            std::to_string(max) + ", not " +
                            std::to_string(value));
    }
    return value;
  }

  // One mapping entry; `sla_key`/`len_key` differ between the two shapes.
  Status ParseMapping(const YAML::Node& node, Nptv6Mapping mapping,
                      const std::string& where, const char* sla_key,
                      const char* len_key, std::vector<Nptv6Mapping>& out) {
    if (!node.IsMap()) return Fail(node, where + " must be a mapping");
    YAML::Node pd = node["pd-id"];
    if (!pd || pd.IsNull()) return Fail(node, where + ".pd-id is missing");
    auto pd_id = Scalar(pd, where + ".pd-id");
    if (!pd_id) return pd_id.error();
    mapping.pd_id = *pd_id;
    auto sla = Number(node, sla_key, where, 0, 0xFFFFFFFF, false);
    if (!sla) return sla.error();
    mapping.sla = static_cast<std::uint64_t>(*sla);
    auto len = Number(node, len_key, where, 0, 64, false);
    if (!len) return len.error();
    mapping.pd_len = static_cast<int>(*len);
    mapping.where = Where(node);
    out.push_back(std::move(mapping));
    return OkStatus();
  }

  Status ParseLan(const YAML::Node& key, const YAML::Node& value,
                  std::vector<Nptv6Mapping>& out) {
    auto lan = Scalar(key, "a LAN name");
    if (!lan) return lan.error();
    const std::string where = "lan-interfaces." + *lan;
    if (!value.IsMap()) return Fail(value, where + " must be a mapping");
    Nptv6Mapping base;
    base.lan = *lan;
    if (auto iface = value["interface"]; iface && !iface.IsNull()) {
      auto text = Scalar(iface, where + ".interface");
      if (!text) return text.error();
      base.interface = *text;
    } else {
      return Fail(value, where + ".interface is missing");
    }
    YAML::Node mappings = value["mappings"];
    if (!mappings || mappings.IsNull()) {
      return ParseMapping(value, base, where, "sla-id", "prefix-len", out);
    }
    if (!mappings.IsMap()) {
      return Fail(mappings, where + ".mappings must be a mapping of WAN names");
    }
    for (const auto& wan : mappings) {
      auto wan_name = Scalar(wan.first, "a WAN name");
      if (!wan_name) return wan_name.error();
      Nptv6Mapping mapping = base;
      mapping.wan = *wan_name;
      auto status =
          ParseMapping(wan.second, mapping, where + ".mappings." + *wan_name,
                       "pd-sla", "pd-len", out);
      if (!status) return status;
    }
    return OkStatus();
  }

  Status ParseHa(const YAML::Node& ha, Nptv6Config& config) {
    if (!ha.IsMap()) return Fail(ha, "ha must be a mapping");
    config.has_ha_block = true;
    struct BoolKey {
      const char* key;
      bool* out;
    };
    const BoolKey bools[] = {
        {"enabled", &config.ha.enabled},
        {"sync_state", &config.ha.sync_state},
        {"apply_rules_only_on_master", &config.ha.apply_rules_only_on_master},
    };
    for (const auto& b : bools) {
      YAML::Node node = ha[b.key];
      if (!node || node.IsNull()) continue;
      if (!node.IsScalar() || !YAML::convert<bool>::decode(node, *b.out)) {
        return Fail(node,
                    std::string("ha.") + b.key + " must be true or false");
      }
    }
    if (auto ip = ha["backup_node_ip"]; ip && !ip.IsNull()) {
      auto text = Scalar(ip, "ha.backup_node_ip");
      if (!text) return text.error();
      config.ha.backup_node_ip = *text;
    }
    return OkStatus();
  }

  std::string name_;
};

}  // namespace

Expected<Nptv6Config> ParseNptv6Config(std::string_view yaml_text,
                                       const std::string& name) {
  if (yaml_text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Error{name + ": the file is empty"};
  }
  try {
    YAML::Node root = YAML::Load(std::string(yaml_text));
    return Parser(name).Parse(root);
  } catch (const YAML::Exception& e) {
    // e.mark is the position of the syntax error.
    std::string where = name;
    if (e.mark.line >= 0) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" +
               std::to_string(e.mark.column + 1);
    }
    return Error{where + ": " + e.msg};
  }
}

}  // namespace ipv6ha
