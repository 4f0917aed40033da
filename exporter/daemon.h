#pragma once

// The running exporter: owns the config generation (checks, scheduler,
// result store), the HTTP server, the exporter's own metrics, and the signal
// loop (SIGTERM/SIGINT stop, SIGHUP reload, SIGUSR1 re-read role and re-run
// checks). A reload that fails keeps the old config running. Reloads run
// on a ReloadWorker, never on the signal loop, so SIGTERM is served within
// its 2 s whatever a reload is doing.

#include <signal.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "checks/peer_view.h"
#include "exporter/config/config.h"
#include "exporter/demotion/demotion_service.h"
#include "exporter/exporter_metrics.h"
#include "exporter/http/http_server.h"
#include "exporter/http/landing_page.h"
#include "exporter/platform/file_watcher.h"
#include "exporter/platform/prober.h"
#include "exporter/platform/unique_fd.h"
#include "exporter/reload_worker.h"
#include "exporter/role_monitor.h"
#include "exporter/scheduler.h"
#include "exporter/service_status_trigger.h"
#include "exporter/status_document.h"
#include "exporter/status_file_writer.h"
#include "exporter/store/result_store.h"

namespace ipv6ha {

struct DaemonOptions {
  std::string config_path;
  std::vector<std::string> listen_override;  // --web.listen-address
  std::string web_config_file;               // --web.config.file
  bool systemd_socket = false;               // --web.systemd-socket
};

class Daemon {
 public:
  explicit Daemon(DaemonOptions options);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Loads the config, starts everything and blocks until SIGTERM or SIGINT.
  // Returns the process exit code. Call from the main thread before any
  // other thread exists (it blocks the handled signals process-wide).
  int Run();

 private:
  // One loaded config and what runs from it.
  struct Generation {
    Config config;
    std::shared_ptr<ResultStore> store;
    std::unique_ptr<RoleMonitor> role;
    std::shared_ptr<DemotionService> demotion;
    std::unique_ptr<Scheduler> scheduler;
    // Re-runs checks whose files change (CheckEnv::watch_file). Declared
    // after the scheduler so it stops before the scheduler is destroyed.
    std::unique_ptr<FileWatcher> watcher;
  };

  // Reads the config and builds a generation from it, not yet started
  // (daemon_generation.cpp).
  Expected<std::unique_ptr<Generation>> Load();
  using FileWatches = std::vector<std::pair<std::string, std::string>>;
  // The demotion service of `gen`, reading `gen`'s role monitor.
  std::shared_ptr<DemotionService> MakeDemotion(const Generation& gen);
  // Result store, role monitor and file changes wake what depends on them.
  void ConnectListeners(Generation& gen);
  // Re-runs a check when one of its files (path, check name) changes.
  static void WatchCheckFiles(Generation& gen, const FileWatches& watches);
  // The web config of `--web.config.file`, else of the config's `web:`.
  Expected<WebConfig> LoadWeb(Config& config) const;
  // Serves `config`'s listen addresses and web config: the running server
  // takes a new web config as it is (TLS, auth, headers); new addresses or
  // max_connections restart it, keeping the sockets of addresses that stay.
  Status StartHttp(const Config& config);
  Status BindListeners(const std::vector<std::string>& addresses);
  // Watches the web config file and the files it names (certificates,
  // keys, client CA); a change asks for a web reload.
  void WatchWebFiles(const WebConfig& web);
  // On the reload worker: loads, then applies unless shutdown has begun. A
  // SIGHUP reloads everything; a changed web file only the web config.
  void Reload();
  // The signal loop of Run(): returns on SIGTERM or SIGINT.
  void ServeSignals(const sigset_t& signals);
  void ReloadWeb();
  void ApplyReload(std::unique_ptr<Generation> gen);
  // False when a reload was still loading (stuck in a system call) and was
  // left behind: its thread may still touch this object, so the caller
  // must end the process without destroying it.
  bool Shutdown();
  static void StartGeneration(Generation& gen);
  // Stops `gen`; its demotion is withdrawn (clean stop) or, on a reload
  // that keeps the same sink, handed over to the next generation.
  static void StopGeneration(Generation& gen, bool hand_over);
  std::shared_ptr<Generation> Current() const;
  CheckEnv MakeCheckEnv();
  Role CurrentRole() const;

  std::string RenderMetrics();
  StatusInputs CollectStatus();
  // Starts, moves or stops (path "") the status file writer.
  void UpdateStatusFile(const std::string& path);
  void NotifyStatusFile();
  // OPNsense's service status mode (service_status_trigger.h): starts,
  // replaces or stops the trigger for `config` (kept when unchanged).
  void UpdateServiceStatusTrigger(const Config& config);
  // From the controller thread of any generation: its latest decision.
  void NotifyServiceStatusTrigger(std::int64_t desired);
  // Before a trigger run: the status file holds the current decision.
  void WriteStatusFileNow();
  // On shutdown, after the status file is removed: one last run so
  // OPNsense drops its demotion (bounded), then the trigger stops.
  void TellServiceStatusOfStop();

  DaemonOptions options_;
  // The one clock of the process: the system's.
  const Clock& clock_ = SystemClock();
  std::shared_ptr<ExporterMetrics> metrics_;
  std::shared_ptr<PeerView> peer_view_;
  // One prober for every check and every config generation (reload keeps
  // its sockets); its engine thread starts with the first probe.
  std::shared_ptr<Prober> prober_;
  mutable std::mutex mutex_;
  std::shared_ptr<Generation> current_;
  // Listening sockets (bound from `listen`, or passed by systemd), kept
  // across reloads; the addresses they were bound from ("" for systemd's).
  std::vector<UniqueFd> listeners_;
  std::vector<std::string> listener_addresses_;
  std::unique_ptr<HttpServer> http_;
  int http_max_connections_ = 0;
  std::unique_ptr<FileWatcher> web_watcher_;
  std::vector<std::string> web_watched_;
  // Set by SIGHUP: the next reload is a full one (else web files only).
  std::atomic<bool> full_reload_{false};
  // Null while no status_file is configured. Guarded by status_file_mutex_:
  // generation listeners notify it from checker threads.
  std::mutex status_file_mutex_;
  std::unique_ptr<StatusFileWriter> status_file_;
  // Null outside OPNsense's service status mode. Owned here, not by a
  // generation: a reload with the same settings keeps it (and what it told
  // OPNsense), and its thread never holds the last reference to a
  // generation. Guarded by trigger_mutex_ (never held while it is joined).
  std::mutex trigger_mutex_;
  std::unique_ptr<ServiceStatusTrigger> trigger_;
  std::vector<std::string> trigger_argv_;
  ServiceStatusTriggerConfig trigger_config_;
  // Held while a reload is applied and while shutting down, so the two
  // never interleave. Loading (reading files, building checks) runs
  // outside it: shutdown never waits for a slow load.
  std::mutex apply_mutex_;
  // Shared with the reload worker's thread, which may outlive this object
  // when a load is stuck in a system call at exit.
  std::shared_ptr<std::atomic<bool>> stopping_ =
      std::make_shared<std::atomic<bool>>(false);
  std::unique_ptr<ReloadWorker> reloader_;
};

}  // namespace ipv6ha
