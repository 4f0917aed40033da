#include "exporter/config/config.h"

#include <filesystem>

#include "exporter/config/listen_address.h"
#include "exporter/platform/bounded_file.h"
#include "exporter/platform/host_name.h"
#include "exporter/text/join.h"
#include "exporter/text/utf8.h"
#include "exporter/yaml/strict_yaml.h"

namespace ipv6ha {
namespace {

void ParseCommands(ConfigReader& r, CommandPaths& commands) {
  for (const auto& key : r.Keys()) {
    auto path = r.String(key);
    if (!path) continue;
    if (!DefaultCommandPaths().contains(key)) {
      std::vector<std::string> known;
      for (const auto& [k, v] : DefaultCommandPaths()) known.push_back(k);
      r.Fail(key, "unknown command \"" + key +
                      "\" (known: " + Join(known, ", ") + ")");
      continue;
    }
    if (path->empty() || (*path)[0] != '/') {
      r.Fail(key, r.path() + "." + key + " must be an absolute path, not \"" +
                      *path + "\"");
      continue;
    }
    commands[key] = *path;
  }
}

// `listen:` one address or a list of them, each checked as the HTTP server
// will bind it; absent means kDefaultListen. Given but empty (`[]`, `~`) is
// an error: it used to mean [::]:9646, every interface.
void ParseListen(ConfigReader& r, Config& c) {
  const bool given = r.Has("listen");
  YAML::Node raw = r.Raw("listen");
  if (!given) return;  // the default stays
  c.listen.clear();
  std::vector<YAML::Node> items;
  if (raw.IsScalar()) {
    items.push_back(raw);
  } else if (raw.IsSequence()) {
    for (const auto& item : raw) items.push_back(item);
  } else if (raw.IsDefined()) {
    r.Fail("listen", "listen must be an address or a list of addresses");
    return;
  }
  for (const auto& item : items) {
    if (!item.IsScalar()) {
      r.errors()->Add(item.Mark(), "listen must contain only addresses");
      continue;
    }
    if (auto address = ParseListenAddress(item.Scalar()); !address) {
      r.errors()->Add(item.Mark(), address.error().message);
      continue;
    }
    c.listen.push_back(item.Scalar());
  }
  if (items.empty()) {
    r.FailKey("listen",
              "listen must name at least one address, e.g. \"[::]:9646\" or "
              "\"127.0.0.1:9646\" (remove the key for the default [::]:9646)");
  }
}

bool SamePath(const std::string& a, const std::string& b) {
  return !a.empty() && !b.empty() &&
         std::filesystem::path(a).lexically_normal() ==
             std::filesystem::path(b).lexically_normal();
}

// A keepalived track_file that is also the state file would make keepalived
// read our JSON bookkeeping as its weight (and us read its number back).
void CheckDemotionFiles(ConfigReader& demotion, const DemotionConfig& d) {
  if (d.sink == "keepalived_track_file" &&
      SamePath(d.track_file, d.state_file)) {
    demotion.Fail("track_file", demotion.path() +
                                    ".track_file must not be the same file "
                                    "as demotion.state_file (" +
                                    d.state_file + ")");
  }
}

// `status_file:` an absolute path, or "" to write none. It must not be one
// of the demotion files: the writer would replace them every second.
void ParseStatusFile(ConfigReader& r, Config& c) {
  auto path = r.String("status_file");
  if (!path) return;
  c.status_file = *path;
  if (path->empty()) return;
  const std::filesystem::path p(*path);
  if (!p.is_absolute()) {
    r.Fail("status_file",
           "status_file must be an absolute path (or \"\" for none), not \"" +
               *path + "\"");
    return;
  }
  const std::string name = p.filename().string();
  if (name.empty() || name == "." || name == "..") {
    r.Fail("status_file",
           "status_file must name a file, not a directory: \"" + *path + "\"");
    return;
  }
  const auto same = [&](const std::string& other) {
    return SamePath(*path, other);
  };
  if (same(c.demotion.state_file)) {
    r.Fail("status_file", "status_file must not be demotion.state_file (" +
                              c.demotion.state_file + ")");
  } else if (c.demotion.sink == "keepalived_track_file" &&
             same(c.demotion.track_file)) {
    r.Fail("status_file", "status_file must not be demotion.track_file (" +
                              c.demotion.track_file + ")");
  }
}

// Reads the framework's keys of one check, then lets the check read its own.
void ParseCheck(ConfigReader& checks, const std::string& name,
                const CheckEnv& env, LoadedConfig& out) {
  auto section = checks.Map(name);
  ConfigReader r =
      section ? *section
              : ConfigReader(YAML::Node(YAML::NodeType::Map),
                             checks.path() + "." + name, checks.errors());
  if (!section && checks.Raw(name).IsDefined()) {
    return;  // not a mapping: already reported by Map()
  }
  CheckSettings s;
  s.name = name;
  s.type = r.String("type", name);
  const CheckRegistration* type = FindCheckType(s.type);
  if (type == nullptr) {
    std::vector<std::string> types;
    for (const auto& t : CheckTypes()) types.push_back(t.type);
    const std::string known = Join(types, ", ");
    if (r.Has("type")) {
      r.Fail("type",
             "unknown check type \"" + s.type + "\" (known: " + known + ")");
    } else {
      checks.FailKey(name, "unknown check \"" + name + "\" (known: " + known +
                               "; or give `type:`)");
    }
    return;
  }
  s.scope = type->scope;
  s.roles = type->roles;
  s.interval = r.Dur("interval", type->default_interval);
  s.timeout = r.Dur("timeout", type->default_timeout);
  s.weight = static_cast<int>(r.Int("weight", 0, 0, 1 << 20));
  if (auto scope = r.String("scope")) {
    if (auto parsed = kScopeNames.Parse(*scope)) {
      s.scope = *parsed;
    } else {
      r.Fail("scope", r.path() + ".scope must be local or upstream");
    }
  }
  if (s.interval.count() <= 0)
    r.Fail("interval", r.path() + ".interval must be above 0");
  if (s.timeout.count() <= 0)
    r.Fail("timeout", r.path() + ".timeout must be above 0");
  const std::size_t errors_before = checks.errors()->all().size();
  CheckFactory create = type->create(r, env, s);
  r.RejectUnknownKeys();
  if (create && checks.errors()->all().size() == errors_before) {
    out.config.check_settings.push_back(s);
    out.checks.push_back({s, std::move(create)});
  }
}

}  // namespace

Expected<LoadedConfig> LoadConfigFromString(const std::string& text,
                                            const std::string& name,
                                            const CheckEnv& base_env) {
  ConfigErrors errors(name);
  auto loaded = LoadStrictYaml(text, errors);
  if (!loaded) return Error{errors.ToString()};
  YAML::Node root = *loaded;
  if (!root.IsDefined() || root.IsNull()) {
    return Error{name + ": config is empty; see examples/ipv6_ha_exporter.yml"};
  }
  LoadedConfig out;
  Config& c = out.config;
  c.file = name;
  c.commands = DefaultCommandPaths();
  ConfigReader r(root, "", &errors);
  if (!root.IsMap()) return Error{errors.ToString()};

  if (auto web = r.Map("web")) {
    c.web = ParseWebConfig(*web,
                           std::filesystem::path(name).parent_path().string());
  }
  ParseListen(r, c);
  if (auto node = r.Map("node")) {
    c.node_name = node->String("name", "");
    node->RejectUnknownKeys();
  }
  if (c.node_name.empty()) c.node_name = ShortHostName();
  if (auto role = r.Map("role")) ParseRoleConfig(*role, c.role);
  if (auto commands = r.Map("commands")) ParseCommands(*commands, c.commands);
  if (auto peer = r.Map("peer")) c.peer = ParsePeerConfig(*peer);
  if (auto demotion = r.Map("demotion")) {
    c.demotion = ParseDemotionConfig(*demotion);
    CheckDemotionFiles(*demotion, c.demotion);
    demotion->RejectUnknownKeys();
  }
  ParseStatusFile(r, c);  // after demotion: compared with its files
  if (auto trigger = r.Map("service_status_trigger")) {
    c.service_status_trigger = ParseServiceStatusTriggerConfig(*trigger);
  }
  CheckEnv env = base_env;
  env.commands = c.commands;
  env.node_name = c.node_name;
  env.peer_address = c.peer.address;
  env.peer_api = c.peer.api;
  env.peer_timeout = c.peer.timeout;
  env.peer_fetch = c.peer.fetch;
  if (auto checks = r.Map("checks")) {
    for (const auto& check_name : checks->Keys()) {
      ParseCheck(*checks, check_name, env, out);
    }
  }
  r.RejectUnknownKeys();
  if (!errors.empty()) return Error{errors.ToString()};
  return out;
}

Expected<LoadedConfig> LoadConfig(const std::string& path,
                                  const CheckEnv& env) {
  auto text = ReadOperatorFile(path);
  if (!text) return text.error();
  return LoadConfigFromString(*text, path, env);
}

}  // namespace ipv6ha
