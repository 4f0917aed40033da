#include "exporter/config.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ipv6ha {
namespace {

constexpr std::size_t kMaxConfigBytes = 1024 * 1024;

Expected<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error{path + ": cannot read: " + std::strerror(errno)};
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  if (text.size() > kMaxConfigBytes) {
    return Error{path + ": file is larger than 1 MiB; is it the right file?"};
  }
  return text;
}

std::string Hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "localhost";
  std::string name(buf);
  return name.substr(0, name.find('.'));
}

WebConfig ParseWebConfig(ConfigReader& r) {
  WebConfig web;
  if (auto tls = r.Map("tls_server_config")) {
    web.cert_file = tls->String("cert_file", "");
    web.key_file = tls->String("key_file", "");
    if (web.cert_file.empty() != web.key_file.empty()) {
      tls->FailHere(tls->path() + " needs both cert_file and key_file");
    }
    tls->RejectUnknownKeys();
  }
  web.max_connections =
      static_cast<int>(r.Int("max_connections", web.max_connections, 4, 8192));
  if (auto users = r.Map("basic_auth_users")) {
    for (const auto& user : users->Keys()) {
      auto hash = users->String(user);
      if (!hash) continue;
      if (hash->rfind("$2", 0) != 0) {
        users->Fail(user, "password of user \"" + user +
                              "\" must be a bcrypt hash ($2y$...), not plain text");
        continue;
      }
      web.basic_auth_users[user] = *hash;
    }
  }
  r.RejectUnknownKeys();
  return web;
}

void ParseRoleConfig(ConfigReader& r, RoleConfig& role) {
  role.source = r.Enum("source", {"carp", "vip", "static"}, role.source);
  role.vip = r.String("vip", "");
  if (auto s = r.String("static")) {
    if (auto parsed = ParseRole(*s)) {
      role.static_role = *parsed;
    } else {
      r.Fail("static", r.path() + ".static must be master, backup or init, not \"" +
                           *s + "\"");
    }
  }
  role.poll_interval = r.Dur("poll_interval", role.poll_interval);
  if (role.source == "vip" && role.vip.empty()) {
    r.FailHere(r.path() + ".vip is required with source: vip");
  }
  r.RejectUnknownKeys();
}

void ParseCommands(ConfigReader& r, CommandPaths& commands) {
  for (const auto& key : r.Keys()) {
    auto path = r.String(key);
    if (!path) continue;
    if (!DefaultCommandPaths().contains(key)) {
      std::string known;
      for (const auto& [k, v] : DefaultCommandPaths()) {
        known += (known.empty() ? "" : ", ") + k;
      }
      r.Fail(key, "unknown command \"" + key + "\" (known: " + known + ")");
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
    return !other.empty() &&
           p.lexically_normal() == std::filesystem::path(other).lexically_normal();
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
  ConfigReader r = section ? *section
                           : ConfigReader(YAML::Node(YAML::NodeType::Map),
                                          checks.path() + "." + name,
                                          checks.errors());
  if (!section && checks.Raw(name).IsDefined()) {
    return;  // not a mapping: already reported by Map()
  }
  CheckSettings s;
  s.name = name;
  s.type = r.String("type", name);
  const CheckRegistration* type = FindCheckType(s.type);
  if (type == nullptr) {
    std::string known;
    for (const auto& t : CheckTypes()) known += (known.empty() ? "" : ", ") + t.type;
    if (r.Has("type")) {
      r.Fail("type", "unknown check type \"" + s.type + "\" (known: " + known + ")");
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
    if (*scope == "local") {
      s.scope = Scope::kLocal;
    } else if (*scope == "upstream") {
      s.scope = Scope::kUpstream;
    } else {
      r.Fail("scope", r.path() + ".scope must be local or upstream");
    }
  }
  if (s.interval.count() <= 0) r.Fail("interval", r.path() + ".interval must be above 0");
  if (s.timeout.count() <= 0) r.Fail("timeout", r.path() + ".timeout must be above 0");
  const std::size_t errors_before = checks.errors()->all().size();
  auto check = type->create(r, env, s);
  r.RejectUnknownKeys();
  if (check && checks.errors()->all().size() == errors_before) {
    out.config.check_settings.push_back(s);
    out.checks.push_back({s, std::move(check)});
  }
}

}  // namespace

Expected<LoadedConfig> LoadConfigFromString(const std::string& text,
                                            const std::string& name,
                                            const CheckEnv& base_env) {
  ConfigErrors errors(name);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    errors.Add(e.mark, "YAML syntax error: " + e.msg);
    return Error{errors.ToString()};
  }
  if (!root.IsDefined() || root.IsNull()) {
    return Error{name + ": config is empty; see examples/ipv6_ha_exporter.yml"};
  }
  LoadedConfig out;
  Config& c = out.config;
  c.file = name;
  c.commands = DefaultCommandPaths();
  ConfigReader r(root, "", &errors);
  if (!root.IsMap()) return Error{errors.ToString()};

  c.listen = r.StringList("listen");
  if (c.listen.empty()) c.listen = {kDefaultListen};
  if (auto node = r.Map("node")) {
    c.node_name = node->String("name", "");
    node->RejectUnknownKeys();
  }
  if (c.node_name.empty()) c.node_name = Hostname();
  if (auto role = r.Map("role")) ParseRoleConfig(*role, c.role);
  if (auto commands = r.Map("commands")) ParseCommands(*commands, c.commands);
  if (auto peer = r.Map("peer")) c.peer = ParsePeerConfig(*peer);
  if (auto web = r.Map("web")) c.web = ParseWebConfig(*web);
  if (auto demotion = r.Map("demotion")) {
    c.demotion = ParseDemotionConfig(*demotion);
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

Expected<LoadedConfig> LoadConfig(const std::string& path, const CheckEnv& env) {
  auto text = ReadWholeFile(path);
  if (!text) return text.error();
  return LoadConfigFromString(*text, path, env);
}

Expected<WebConfig> LoadWebConfig(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text) return text.error();
  ConfigErrors errors(path);
  YAML::Node root;
  try {
    root = YAML::Load(*text);
  } catch (const YAML::Exception& e) {
    errors.Add(e.mark, "YAML syntax error: " + e.msg);
    return Error{errors.ToString()};
  }
  ConfigReader r(root, "", &errors);
  WebConfig web = ParseWebConfig(r);
  if (!errors.empty()) return Error{errors.ToString()};
  return web;
}

}  // namespace ipv6ha
