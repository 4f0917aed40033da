#pragma once

// Polls a RoleSource on its own thread every `poll_interval`, keeps the
// latest reading, counts role transitions and logs them. A source that can
// follow its role (keepalived's FIFO) is followed as well: each event it
// learns is read at once, on the source's thread, and a transition calls
// the listeners even when the node's role stays the same (the checks are
// re-run, as SIGUSR1 does for the CARP syshook). It is a prometheus
// Collectable: ipv6_ha_role{role}, ipv6_ha_role_transitions_total,
// ipv6_ha_carp_vhid_state{interface,vhid,state}, ipv6_ha_carp_demotion,
// ipv6_ha_vrrp_instance_state{instance,state},
// ipv6_ha_vrrp_instance_priority{instance}.
// Thread safe: Role()/Latest() may be called from any thread (the
// scheduler's RoleFn, HTTP handlers); readings are taken one at a time;
// listeners run on the thread that took the reading.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "checks/check_registry.h"
#include "checks/metric_table.h"
#include "exporter/base/duration.h"
#include "exporter/config/role_config.h"
#include "exporter/platform/role_source.h"

namespace ipv6ha {

class RoleMonitor : public prometheus::Collectable {
 public:
  using Listener = std::function<void(Role previous, Role current)>;

  RoleMonitor(std::unique_ptr<RoleSource> source,
              std::chrono::milliseconds poll_interval);
  RoleMonitor(const RoleMonitor&) = delete;
  RoleMonitor& operator=(const RoleMonitor&) = delete;
  ~RoleMonitor() override;  // Stop()

  // Follows the source where it can, reads once synchronously (so the role
  // is known before checks start), then polls on a thread.
  void Start();
  // Stops following and polling; no listener runs after it returns.
  void Stop();
  // Reads once now, on the caller's thread (also what the thread does).
  void PollOnce();
  // Asks the polling thread to read the role now, as a transition the
  // source reported: the listeners run after that reading even when the
  // role stayed the same (SIGUSR1 from the CARP syshook). Returns at once
  // (a reading runs ifconfig, which may hang until its timeout: the signal
  // loop must not wait for it). Requests made while one is pending fold
  // into it; one made during a reading gets a reading of its own after it.
  // Ignored before Start() and after Stop().
  void RequestPoll();
  // Called on every role change, after the reading is stored, on every
  // transition the source reports while it is followed, and after a
  // RequestPoll reading.
  void AddListener(Listener listener);

  Role CurrentRole() const;
  // The role and the changes between known roles, read together.
  RoleSample Sample() const;
  RoleReading Latest() const;
  std::uint64_t Transitions() const;
  // The latest reading for /api/v1/status "role_detail".
  nlohmann::json Detail() const;

  std::vector<prometheus::MetricFamily> Collect() const override;
  // The table of the families above (checks/metric_table.h).
  static MetricTable Metrics();

 private:
  void Loop();
  void Poll(bool transition);

  std::unique_ptr<RoleSource> source_;
  std::unique_ptr<RoleFollow> follow_;  // set while followed
  std::mutex poll_mutex_;               // one reading at a time
  std::chrono::milliseconds poll_interval_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool poll_requested_ = false;  // RequestPoll, not yet served
  bool have_reading_ = false;
  RoleReading latest_;
  std::uint64_t transitions_ = 0;
  std::uint64_t known_changes_ = 0;  // unknown readings in between skipped
  Role last_known_ = Role::kUnknown;
  std::string last_error_;
  std::vector<Listener> listeners_;
  std::thread thread_;
};

// The role source named by `role.source` (carp runs commands.ifconfig).
std::unique_ptr<RoleSource> MakeRoleSource(const RoleConfig& config,
                                           const CommandPaths& commands);

}  // namespace ipv6ha
