// The daemon's HTTP side: listening sockets (bound or from systemd), the
// server, and the web config with its reloads (SIGHUP, and a changed web
// config file, certificate, key or client CA).
#include <spdlog/spdlog.h>

#include <functional>

#include "exporter/config/listen_address.h"
#include "exporter/daemon.h"
#include "exporter/platform/listen_socket.h"
#include "exporter/text/join.h"

namespace ipv6ha {
namespace {

// What the server takes of the web config.
HttpSiteConfig SiteConfig(const WebConfig& web) {
  HttpSiteConfig site;
  site.tls_context = web.tls_context;
  site.headers = web.headers;
  site.basic_auth_users = web.basic_auth_users;
  site.basic_auth_excluded_paths = web.basic_auth_excluded_paths;
  site.max_connections = static_cast<std::size_t>(web.max_connections);
  return site;
}

}  // namespace

Expected<WebConfig> Daemon::LoadWeb(Config& config) const {
  if (!options_.web_config_file.empty()) {
    auto web = LoadWebConfig(options_.web_config_file);
    if (!web) return web.error();
    config.web = *web;
  }
  return config.web;
}

Status Daemon::BindListeners(const std::vector<std::string>& addresses) {
  std::vector<UniqueFd> next(addresses.size());
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    // An address that stays keeps its socket: binding it again would fail.
    for (std::size_t j = 0; j < listener_addresses_.size(); ++j) {
      if (listener_addresses_[j] == addresses[i] && listeners_[j].get() >= 0) {
        next[i] = std::move(listeners_[j]);
        break;
      }
    }
    if (next[i].get() >= 0) continue;
    auto address = ParseListenAddress(addresses[i]);
    Expected<UniqueFd> fd = address ? ListenTcp(address->ip, address->port)
                                    : Expected<UniqueFd>(address.error());
    if (!fd) {
      // Put back what was taken; the new sockets close.
      for (std::size_t k = 0; k < i; ++k) {
        for (std::size_t j = 0; j < listener_addresses_.size(); ++j) {
          if (listener_addresses_[j] == addresses[k] &&
              listeners_[j].get() < 0) {
            listeners_[j] = std::move(next[k]);
          }
        }
      }
      return fd.error();
    }
    next[i] = std::move(*fd);
  }
  listeners_ = std::move(next);
  listener_addresses_ = addresses;
  return OkStatus();
}

Status Daemon::StartHttp(const Config& config) {
  const bool rebind =
      !options_.systemd_socket &&
      (config.listen != listener_addresses_ || listeners_.empty());
  if (http_ && !rebind && config.web.max_connections == http_max_connections_) {
    http_->Reconfigure(SiteConfig(config.web));  // certificates, auth, headers
    return OkStatus();
  }
  http_.reset();  // stops serving before sockets change
  if (rebind) {
    if (Status st = BindListeners(config.listen); !st) return st;
  }
  HttpServerOptions options;
  for (const auto& fd : listeners_) options.listeners.push_back(fd.get());
  options.web = SiteConfig(config.web);
  HttpRoutes routes;
  routes.metrics = [this] { return RenderMetrics(); };
  routes.status = [this] {
    return DumpStatusDocument(BuildStatusDocument(CollectStatus()));
  };
  routes.not_ready_reason = [this]() -> std::optional<std::string> {
    auto gen = Current();
    if (!gen) return std::string("no configuration loaded");
    const auto waiting = gen->store->AwaitingFirstResult();
    if (waiting.empty()) return std::nullopt;  // Ready()
    return "waiting for the first result of " + Join(waiting, ", ");
  };
  routes.landing_page = [this] {
    const StatusInputs in = CollectStatus();
    return RenderLandingPage(BuildNodeStatus(in), in.peer);
  };
  auto server = HttpServer::Start(
      options, std::move(routes),
      std::bind_front(&ExporterMetrics::RequestCounter, metrics_));
  if (!server) return server.error();
  http_ = std::move(*server);
  http_max_connections_ = config.web.max_connections;
  std::vector<std::string> where;
  for (const auto& fd : listeners_) where.push_back(DescribeListener(fd.get()));
  spdlog::info("listening on {}{}{}", Join(where, ", "),
               options_.systemd_socket ? " (sockets from systemd)" : "",
               config.web.tls() ? " (TLS)" : "");
  return OkStatus();
}

void Daemon::WatchWebFiles(const WebConfig& web) {
  std::vector<std::string> files = web.Files();
  if (!options_.web_config_file.empty())
    files.push_back(options_.web_config_file);
  if (files == web_watched_) return;
  web_watcher_.reset();
  web_watched_ = files;
  if (files.empty()) return;
  web_watcher_ = std::make_unique<FileWatcher>();
  for (const auto& file : files) {
    auto watched = web_watcher_->Watch(file, [this](const std::string& path) {
      spdlog::info("{} changed: reloading the web configuration", path);
      if (reloader_) reloader_->Request();
    });
    if (!watched) {
      spdlog::warn("{} is re-read on SIGHUP only: {}", file,
                   watched.error().message);
    }
  }
}

void Daemon::ReloadWeb() {
  const auto stopping = stopping_;
  auto gen = Current();
  if (!gen) return;
  Config config = gen->config;
  Expected<WebConfig> web = config.web;
  if (options_.web_config_file.empty()) {
    // The web config is part of the config file: read it again, use only
    // its `web:` (a full reload is SIGHUP's).
    CheckEnv env = MakeCheckEnv();
    auto loaded = LoadConfig(options_.config_path, env);
    web = loaded ? Expected<WebConfig>(loaded->config.web)
                 : Expected<WebConfig>(loaded.error());
  } else {
    web = LoadWebConfig(options_.web_config_file);
  }
  if (stopping->load()) return;
  std::lock_guard apply(apply_mutex_);
  if (stopping->load()) return;
  if (!web) {
    metrics_->RecordReload(false);
    spdlog::error(
        "web configuration reload failed, keeping the running one:\n{}",
        web.error().message);
    return;
  }
  config.web = *web;
  if (Status st = StartHttp(config); !st) {
    metrics_->RecordReload(false);
    spdlog::error(
        "web configuration reload failed, keeping the running one: {}",
        st.error().message);
    if (!http_) (void)StartHttp(gen->config);
    return;
  }
  WatchWebFiles(config.web);
  metrics_->RecordReload(true);
  spdlog::info("web configuration reloaded{}",
               config.web.tls() ? " (TLS)" : "");
}

}  // namespace ipv6ha
