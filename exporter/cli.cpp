#include "exporter/cli.h"

#include <spdlog/spdlog.h>

#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "exporter/check_command.h"
#include "exporter/config/config.h"
#include "exporter/config/listen_address.h"
#include "exporter/daemon.h"
#include "exporter/exporter_metrics.h"
#include "exporter/import/config_import.h"
#include "exporter/logging.h"

namespace ipv6ha {
namespace {

constexpr char kUsage[] = R"(usage: ipv6_ha_exporter --config FILE [flags]
       ipv6_ha_exporter check --config FILE [--json]
       ipv6_ha_exporter --import-ha-singleton FILE --import-nptv6 FILE --print-config

IPv6 health checks and CARP/VRRP demotion for HA firewall pairs, exported to
Prometheus.

Flags:
  --config FILE              configuration file (YAML)
  --check-config             validate the configuration and exit (0 = valid)
  --web.listen-address ADDR  listen on ADDR instead of the config's `listen`
                             (repeatable; e.g. [::]:9646, 127.0.0.1:9646)
  --web.systemd-socket       serve on the sockets systemd passes (socket
                             activation, Linux) instead of listening itself
  --web.config.file FILE     TLS, client certificates, basic auth and headers,
                             exporter-toolkit format (re-read when it or a
                             file it names changes)
  --log.level LEVEL          debug, info, warn, error (default info)
  --log.format FORMAT        text or json (default text)
  --log.target TARGET        stderr or syslog (default stderr)
  --import-ha-singleton FILE  derive a config from opnsense-ha's ha-singleton.conf
  --import-nptv6 FILE        ... and from opnsense-ipv6's checkset-nptv6.yml
  --print-config             print the derived config as YAML (with --import-*)
  --version                  print the version and exit
  --help                     print this help and exit

Subcommand:
  check --config FILE [--json]
      run every check once, show the role and the controller's decision,
      change nothing; exit 0 ok, 2 a check fails, 3 unknown (monitoring-plugins)

Signals: SIGHUP reloads the configuration (a bad one is rejected and the old
one keeps running); SIGUSR1 re-reads the role and re-runs every check;
SIGTERM/SIGINT stop.
)";

struct ParsedArgs {
  bool check_subcommand = false;
  bool help = false;
  bool version = false;
  bool check_config = false;
  bool json = false;
  bool print_config = false;
  bool systemd_socket = false;
  std::string import_ha_singleton;
  std::string import_nptv6;
  std::string config;
  std::vector<std::string> listen;
  std::string web_config;
  LogOptions log;
};

// Accepts "--flag value" and "--flag=value".
std::optional<std::string> ParseArgs(int argc, char** argv, ParsedArgs& out) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::size_t i = 0;
  if (!args.empty() && args[0] == "check") {
    out.check_subcommand = true;
    ++i;
  }
  const std::map<std::string, std::string*> valued = {
      {"--config", &out.config},
      {"--web.config.file", &out.web_config},
      {"--log.level", &out.log.level},
      {"--log.format", &out.log.format},
      {"--log.target", &out.log.target},
      {"--import-ha-singleton", &out.import_ha_singleton},
      {"--import-nptv6", &out.import_nptv6},
  };
  const std::map<std::string, bool*> switches = {
      {"--help", &out.help},
      {"-h", &out.help},
      {"--version", &out.version},
      {"--check-config", &out.check_config},
      {"--json", &out.json},
      {"--print-config", &out.print_config},
      {"--web.systemd-socket", &out.systemd_socket},
  };
  for (; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> value;
    if (auto eq = flag.find('=');
        eq != std::string::npos && flag.rfind("--", 0) == 0) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    if (auto s = switches.find(flag); s != switches.end() && !value) {
      *s->second = true;
      continue;
    }
    const bool is_listen = flag == "--web.listen-address";
    auto v = valued.find(flag);
    if (v == valued.end() && !is_listen) {
      return "unknown flag \"" + args[i] + "\"; see --help";
    }
    if (!value) {
      if (i + 1 >= args.size()) return "flag " + flag + " needs a value";
      value = args[++i];
    }
    if (is_listen) {
      out.listen.push_back(*value);
    } else {
      *v->second = *value;
    }
  }
  return std::nullopt;
}

// --check-config: loads everything start-up would load, binds nothing.
int CheckConfig(const ParsedArgs& args) {
  CheckEnv env;
  env.peer_view = std::make_shared<PeerView>();
  auto loaded = LoadConfig(args.config, env);
  if (!loaded) {
    std::cerr << loaded.error().message << "\n";
    return 1;
  }
  if (!args.web_config.empty()) {
    auto web = LoadWebConfig(args.web_config);
    if (!web) {
      std::cerr << web.error().message << "\n";
      return 1;
    }
  }
  for (const auto& listen : args.listen) {  // as start-up will bind them
    if (auto address = ParseListenAddress(listen); !address) {
      std::cerr << "--web.listen-address: " << address.error().message << "\n";
      return 1;
    }
  }
  std::cout << args.config << ": configuration is valid ("
            << loaded->checks.size() << " checks)\n";
  return 0;
}

}  // namespace

int RunCli(int argc, char** argv) {
  ParsedArgs args;
  if (auto error = ParseArgs(argc, argv, args)) {
    std::cerr << "ipv6_ha_exporter: " << *error << "\n";
    return 2;
  }
  if (args.help) {
    std::cout << kUsage;
    return 0;
  }
  if (args.version) {
    std::cout << "ipv6_ha_exporter " << VersionString() << "\n";
    return 0;
  }
  if (!args.import_ha_singleton.empty() || !args.import_nptv6.empty() ||
      args.print_config) {
    if (!args.print_config) {
      std::cerr
          << "ipv6_ha_exporter: --import-* needs --print-config; save the "
             "output and run with --config FILE\n";
      return 2;
    }
    auto yaml = ImportConfigFiles(args.import_ha_singleton, args.import_nptv6);
    if (!yaml) {
      std::cerr << yaml.error().message << "\n";
      return 1;
    }
    std::cout << *yaml;
    return 0;
  }
  if (args.config.empty()) {
    std::cerr << "ipv6_ha_exporter: --config FILE is required; see --help\n";
    return 2;
  }
  if (auto st = SetupLogging(args.log); !st) {
    std::cerr << "ipv6_ha_exporter: " << st.error().message << "\n";
    return 2;
  }
  if (args.check_subcommand) {
    if (args.log.level == "info") spdlog::set_level(spdlog::level::warn);
    return RunCheckCommand({args.config, args.json}, std::cout, std::cerr);
  }
  if (args.check_config) return CheckConfig(args);
  if (args.systemd_socket && !args.listen.empty()) {
    std::cerr << "ipv6_ha_exporter: --web.systemd-socket and "
                 "--web.listen-address exclude each other: the sockets come "
                 "from systemd\n";
    return 2;
  }
  Daemon daemon(
      {args.config, args.listen, args.web_config, args.systemd_socket});
  return daemon.Run();
}

}  // namespace ipv6ha
