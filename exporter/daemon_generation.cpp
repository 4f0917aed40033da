// Daemon: building one config generation (checks, result store, role
// monitor, demotion service, scheduler, file watches) from the config file.
// Nothing here starts a thread; StartGeneration() does.

#include <spdlog/spdlog.h>

#include "exporter/daemon.h"

namespace ipv6ha {

CheckEnv Daemon::MakeCheckEnv() {
  CheckEnv env;
  env.peer_view = peer_view_;
  env.prober = prober_;
  return env;
}

Expected<std::unique_ptr<Daemon::Generation>> Daemon::Load() {
  // Checks ask for file watches while their config is read, before the
  // scheduler exists: collect them, then connect them to this generation's
  // scheduler. The loader returns a factory per check; the checks are built
  // here, for this generation's scheduler.
  auto watches = std::make_shared<FileWatches>();
  CheckEnv env = MakeCheckEnv();
  env.watch_file = [watches](const std::string& path, const std::string& name) {
    watches->emplace_back(path, name);
  };
  auto loaded = LoadConfig(options_.config_path, env);
  if (!loaded) return loaded.error();
  auto gen = std::make_unique<Generation>();
  gen->config = std::move(loaded->config);
  if (!options_.listen_override.empty())
    gen->config.listen = options_.listen_override;
  if (auto web = LoadWeb(gen->config); !web) return web.error();
  gen->store =
      std::make_shared<ResultStore>(gen->config.check_settings, clock_);
  const Config& c = gen->config;
  gen->role = std::make_unique<RoleMonitor>(MakeRoleSource(c.role, c.commands),
                                            c.role.poll_interval);
  gen->demotion = MakeDemotion(*gen);
  // Generation-owned: the scheduler asks its own role monitor.
  RoleMonitor* role = gen->role.get();
  gen->scheduler = std::make_unique<Scheduler>(
      BuildScheduledChecks(loaded->checks), gen->store,
      [role] { return role->CurrentRole(); },
      [role] { return role->Latest().mixed; });
  ConnectListeners(*gen);
  WatchCheckFiles(*gen, *watches);
  return gen;
}

std::shared_ptr<DemotionService> Daemon::MakeDemotion(const Generation& gen) {
  const Config& c = gen.config;
  RoleMonitor* role = gen.role.get();
  DemotionInputs inputs;
  inputs.role = [role] { return role->Sample(); };
  inputs.peer = [peer = peer_view_] { return peer->Latest(); };
  inputs.clock = &clock_;
  // The controller thread hands each decision to the service status
  // trigger (it only queues it; see UpdateServiceStatusTrigger).
  inputs.published = [this](const Decision& d) {
    NotifyServiceStatusTrigger(d.desired);
  };
  return std::make_shared<DemotionService>(
      c.demotion, ControllerParams::From(c.demotion, c.peer.name),
      MakeDemotionSink(c.demotion), MakeDemotionStateStore(c.demotion),
      c.check_settings, std::move(inputs));
}

void Daemon::ConnectListeners(Generation& gen) {
  std::weak_ptr<DemotionService> demotion = gen.demotion;
  gen.store->AddListener([this, demotion](const CheckRecord& r) {
    if (auto d = demotion.lock()) d->OnResult(r);
    NotifyStatusFile();
  });
  Scheduler* scheduler = gen.scheduler.get();
  gen.role->AddListener([this, demotion, scheduler](Role, Role) {
    if (auto d = demotion.lock()) d->Wake();  // it reads the role itself
    scheduler->TriggerAll();  // applicability changed: re-run at once
    NotifyStatusFile();
  });
}

void Daemon::WatchCheckFiles(Generation& gen, const FileWatches& watches) {
  if (watches.empty()) return;
  gen.watcher = std::make_unique<FileWatcher>();
  Scheduler* scheduler = gen.scheduler.get();
  for (const auto& [path, name] : watches) {
    auto watched =
        gen.watcher->Watch(path, [scheduler, check = name](const std::string&) {
          scheduler->TriggerNow(check);
        });
    if (!watched) {
      spdlog::warn("check {} runs on its interval only: {}", name,
                   watched.error().message);
    }
  }
}

}  // namespace ipv6ha
