#pragma once

// The running exporter: owns the config generation (checks, scheduler,
// result store), the HTTP server, the exporter's own metrics, and the signal
// loop (SIGTERM/SIGINT stop, SIGHUP reload, SIGUSR1 re-read role and re-run
// checks). A reload that fails keeps the old config running.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "checks/peer_view.h"
#include "exporter/config.h"
#include "exporter/demotion/demotion_service.h"
#include "exporter/exporter_metrics.h"
#include "exporter/http_server.h"
#include "exporter/platform/file_watcher.h"
#include "exporter/platform/prober.h"
#include "exporter/result_store.h"
#include "exporter/role_monitor.h"
#include "exporter/scheduler.h"
#include "exporter/status_document.h"
#include "exporter/service_status_trigger.h"
#include "exporter/status_file_writer.h"

namespace ipv6ha {

struct DaemonOptions {
  std::string config_path;
  std::vector<std::string> listen_override;  // --web.listen-address
  std::string web_config_file;               // --web.config.file
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
    // OPNsense service status mode only (service_status_trigger.h).
    std::unique_ptr<ServiceStatusTrigger> trigger;
  };

  Expected<std::unique_ptr<Generation>> Load();
  Status StartHttp(const Config& config);
  void Reload();
  void Shutdown();
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
  // HOOK (service-status trigger): the decision of each written status
  // document, for the current generation's trigger.
  void NotifyServiceStatusTrigger(const nlohmann::json& written);

  DaemonOptions options_;
  std::shared_ptr<ExporterMetrics> metrics_;
  std::shared_ptr<PeerView> peer_view_;
  // One prober for every check and every config generation (reload keeps
  // its sockets); its engine thread starts with the first probe.
  std::shared_ptr<Prober> prober_;
  mutable std::mutex mutex_;
  std::shared_ptr<Generation> current_;
  std::unique_ptr<HttpServer> http_;
  std::vector<std::string> http_listen_;
  WebConfig http_web_;
  // Null while no status_file is configured. Guarded by status_file_mutex_:
  // generation listeners notify it from checker threads.
  std::mutex status_file_mutex_;
  std::unique_ptr<StatusFileWriter> status_file_;
};

}  // namespace ipv6ha
