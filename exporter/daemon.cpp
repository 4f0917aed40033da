#include "exporter/daemon.h"

#include <prometheus/text_serializer.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <sstream>

#include "exporter/platform/command_runner.h"
#include "exporter/platform/process_limits.h"
#include "exporter/platform/systemd_socket.h"
#include "exporter/text/join.h"

namespace ipv6ha {
namespace {

constexpr auto kStopGrace = std::chrono::milliseconds(1500);

sigset_t HandledSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) sigaddset(&set, s);
  return set;
}

}  // namespace

Daemon::Daemon(DaemonOptions options)
    : options_(std::move(options)),
      metrics_(std::make_shared<ExporterMetrics>()),
      peer_view_(std::make_shared<PeerView>()),
      prober_(std::make_shared<Prober>()) {}

Daemon::~Daemon() = default;

Role Daemon::CurrentRole() const {
  auto gen = Current();
  if (!gen) return Role::kUnknown;
  return gen->role->CurrentRole();
}

std::shared_ptr<Daemon::Generation> Daemon::Current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

std::string Daemon::RenderMetrics() {
  std::vector<prometheus::MetricFamily> families;
  auto collect = [&](const prometheus::Collectable& c) {
    try {
      auto f = c.Collect();
      families.insert(families.end(), std::make_move_iterator(f.begin()),
                      std::make_move_iterator(f.end()));
    } catch (const std::exception& e) {
      metrics_->RecordScrapeError();
      spdlog::warn("collecting metrics failed: {}", e.what());
    }
  };
  collect(*metrics_);
  collect(*metrics_->process_collector());
  if (auto gen = Current()) {
    collect(*gen->store);
    collect(*gen->role);
    collect(*gen->demotion);
  }
  {
    std::lock_guard lock(trigger_mutex_);
    if (trigger_) collect(*trigger_);
  }
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return out.str();
}

StatusInputs Daemon::CollectStatus() {
  StatusInputs in;
  in.version = VersionString();
  in.now = clock_.WallNow();
  in.role = CurrentRole();
  in.peer = peer_view_->Latest();
  if (auto gen = Current()) {
    in.node = gen->config.node_name;
    in.checks = gen->store->Snapshot();
    // A node in FAULT cannot take over: peers must not fail over to it.
    in.ready = gen->store->Ready() && in.role != Role::kFault;
    in.role_detail = gen->role->Detail();
    in.controller = gen->demotion->Report();
  }
  return in;
}

void Daemon::UpdateStatusFile(const std::string& path) {
  std::unique_ptr<StatusFileWriter> old;
  {
    std::lock_guard lock(status_file_mutex_);
    if (status_file_ ? status_file_->path() == path : path.empty()) return;
    old = std::move(status_file_);
    if (!path.empty()) {
      status_file_ = std::make_unique<StatusFileWriter>(
          path, [this] { return BuildStatusDocument(CollectStatus()); });
      status_file_->Start();
      spdlog::info("writing the status document to {}", path);
    }
  }
  old.reset();  // outside the lock: joins its thread, removes its file
}

void Daemon::UpdateServiceStatusTrigger(const Config& c) {
  std::vector<std::string> argv;
  if (InServiceStatusMode(c.demotion.enabled, c.demotion.sink, c.status_file,
                          c.service_status_trigger)) {
    argv = {c.commands.at("configctl")};
    argv.insert(argv.end(), c.service_status_trigger.args.begin(),
                c.service_status_trigger.args.end());
  }
  const auto& t = c.service_status_trigger;
  std::unique_ptr<ServiceStatusTrigger> old;
  {
    std::lock_guard lock(trigger_mutex_);
    if (argv == trigger_argv_ && t.timeout == trigger_config_.timeout &&
        t.retry == trigger_config_.retry) {
      return;  // unchanged: keep what it told OPNsense
    }
    old = std::move(trigger_);
    trigger_argv_ = argv;
    trigger_config_ = t;
    if (!argv.empty()) {
      // Before each run the status file is rewritten, so the script that
      // configctl makes OPNsense run reads the new decision.
      trigger_ = std::make_unique<ServiceStatusTrigger>(
          argv, t.timeout, t.retry, [this] { WriteStatusFileNow(); });
      spdlog::info(
          "OPNsense service status mode: {} runs when the decision "
          "changes",
          DescribeCommand(argv));
    }
  }
  old.reset();  // outside the lock: joins its thread
}

void Daemon::NotifyServiceStatusTrigger(std::int64_t desired) {
  std::lock_guard lock(trigger_mutex_);
  if (trigger_) trigger_->Notify(desired);
}

void Daemon::WriteStatusFileNow() {
  std::lock_guard lock(status_file_mutex_);
  if (status_file_) status_file_->WriteNow();
}

void Daemon::TellServiceStatusOfStop() {
  std::unique_ptr<ServiceStatusTrigger> trigger;
  {
    std::lock_guard lock(trigger_mutex_);
    trigger = std::move(trigger_);
    trigger_argv_.clear();
  }
  if (!trigger) return;
  // The status file is gone, so the script answers "not demoting": let
  // OPNsense drop its 2^20 now, within the shutdown's budget.
  trigger->Notify(0);
  trigger->WaitIdle(std::chrono::seconds(1));
  // Still running past that: stopping waits for nobody (its destructor
  // joins once the killed command returns).
  KillRunningCommands();
}

void Daemon::NotifyStatusFile() {
  std::lock_guard lock(status_file_mutex_);
  if (status_file_) status_file_->Notify();
}

void Daemon::Reload() {
  if (!full_reload_.exchange(false)) {
    ReloadWeb();
    return;
  }
  const auto stopping = stopping_;  // this object may be gone after Load()
  spdlog::info("reloading configuration from {}", options_.config_path);
  auto gen = Load();
  if (stopping->load()) return;
  std::lock_guard apply(apply_mutex_);
  if (stopping->load()) return;  // shutting down: the new config is dropped
  if (!gen) {
    metrics_->RecordReload(false);
    spdlog::error("configuration reload failed, keeping the running one:\n{}",
                  gen.error().message);
    return;
  }
  ApplyReload(std::move(*gen));
}

void Daemon::ApplyReload(std::unique_ptr<Generation> gen) {
  const Config& next = gen->config;
  if (auto st = StartHttp(next); !st) {
    metrics_->RecordReload(false);
    spdlog::error("configuration reload failed, keeping the running one: {}",
                  st.error().message);
    if (auto old = Current(); old && !http_) (void)StartHttp(old->config);
    return;
  }
  WatchWebFiles(next.web);
  std::shared_ptr<Generation> previous;
  {
    std::lock_guard lock(mutex_);
    previous = std::move(current_);
    current_ = std::move(gen);
  }
  metrics_->RecordReload(true);
  if (previous) {
    const auto& a = previous->config.demotion;
    const auto& b = current_->config.demotion;
    StopGeneration(*previous,
                   a.sink == b.sink && a.state_file == b.state_file &&
                       a.track_file == b.track_file && a.command == b.command);
  }
  StartGeneration(*current_);
  UpdateStatusFile(current_->config.status_file);
  UpdateServiceStatusTrigger(current_->config);
  spdlog::info("configuration reloaded: {} checks",
               current_->config.check_settings.size());
}

void Daemon::StartGeneration(Generation& gen) {
  gen.role->Start();  // the first reading is synchronous
  gen.demotion->Start();
  gen.demotion->StartThread(std::chrono::seconds(1));
  gen.scheduler->Start();
}

void Daemon::StopGeneration(Generation& gen, bool hand_over) {
  gen.role->Stop();
  if (!gen.scheduler->Stop(kStopGrace)) {
    spdlog::warn("a check did not stop within {} ms; exiting anyway",
                 kStopGrace.count());
  }
  if (hand_over) {
    gen.demotion->Release();
  } else {
    gen.demotion->Shutdown();
  }
}

bool Daemon::Shutdown() {
  spdlog::info("shutting down");
  stopping_->store(true);
  // A reload being applied may be waiting for a hung command (the role's
  // first reading): kill it so the apply ends, then wait for it.
  KillRunningCommands();
  const bool reload_done = reloader_->Stop(std::chrono::milliseconds(0));
  if (!reload_done) {
    spdlog::warn(
        "a configuration reload is still under way; stopping "
        "without it");
  }
  std::lock_guard apply(apply_mutex_);
  // First: from here on the daemon's answer is going away. Without the file
  // a reader asks the HTTP API, which answers nothing either.
  UpdateStatusFile("");
  TellServiceStatusOfStop();
  web_watcher_.reset();
  http_.reset();
  listeners_.clear();
  if (auto gen = Current()) {
    // The order of docs/reliability.md ("Shutdown"). The checks stop
    // first (no result is published after this), then their programs and
    // the role's: killed if running, refused if starting now (a run that
    // began as SIGTERM arrived), so none outlives us or holds up the exit.
    gen->scheduler->RequestStop();
    StopCommands(CommandPurpose::kObserve);
    // A demotion command still running (the controller's last write) is
    // killed too; the withdraw below runs one of its own.
    KillRunningCommands();
    StopGeneration(*gen, false);  // joins the checks, then withdraws
  }
  // Nothing may run past the exit: whatever is left is killed and nothing
  // starts any more.
  StopCommands(CommandPurpose::kAct);
  return reload_done;
}

// SIGHUP reloads (on the reload worker), SIGUSR1 re-reads the role and
// re-runs every check; returns on SIGTERM or SIGINT.
void Daemon::ServeSignals(const sigset_t& signals) {
  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      full_reload_ = true;
      reloader_->Request();  // never waits: the loop stays on the signals
    } else if (sig == SIGUSR1) {
      spdlog::info("SIGUSR1: re-reading the role and re-running every check");
      // Not while a reload swaps generations (it starts fresh runs anyway);
      // waiting for it here would hold up SIGTERM.
      std::unique_lock apply(apply_mutex_, std::try_to_lock);
      if (!apply.owns_lock()) continue;
      // The reading runs on the role monitor's thread (a hung ifconfig
      // must not hold up SIGTERM); its listener re-runs the checks.
      if (auto g = Current()) g->role->RequestPoll();
    } else {
      spdlog::info("received {}", sig == SIGTERM ? "SIGTERM" : "SIGINT");
      return;
    }
  }
}

int Daemon::Run() {
  sigset_t signals = HandledSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  RaiseFileLimit();
  if (options_.systemd_socket) {
    auto sockets = TakeSystemdSockets();
    if (!sockets) {
      spdlog::error("{}", sockets.error().message);
      return 1;
    }
    listeners_ = std::move(*sockets);
  }
  auto gen = Load();
  if (!gen) {
    spdlog::error("cannot load configuration:\n{}", gen.error().message);
    return 1;
  }
  if (auto st = StartHttp((*gen)->config); !st) {
    spdlog::error("{}", st.error().message);
    return 1;
  }
  {
    std::lock_guard lock(mutex_);
    current_ = std::move(*gen);
  }
  metrics_->RecordReload(true);
  StartGeneration(*current_);
  UpdateStatusFile(current_->config.status_file);
  UpdateServiceStatusTrigger(current_->config);
  spdlog::info("ipv6_ha_exporter {} started as node {} with {} checks",
               VersionString(), current_->config.node_name,
               current_->config.check_settings.size());

  reloader_ = std::make_unique<ReloadWorker>([this] { Reload(); });
  {
    std::lock_guard apply(apply_mutex_);
    WatchWebFiles(current_->config.web);
  }
  ServeSignals(signals);
  if (!Shutdown()) {
    // Everything is released and the demotion withdrawn; only the stuck
    // reload's thread remains, and it must not outlive this object.
    spdlog::default_logger()->flush();
    std::_Exit(0);
  }
  return 0;
}

}  // namespace ipv6ha
