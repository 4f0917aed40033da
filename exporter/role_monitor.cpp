#include "exporter/role_monitor.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "checks/metric_table.h"
#include "exporter/platform/carp_role_source.h"
#include "exporter/platform/static_role_source.h"
#include "exporter/platform/vip_role_source.h"

namespace ipv6ha {
namespace {

// The metrics of the node's role (docs/metrics.md, "Role").
enum Metric {
  kRole,
  kTransitions,
  kVhidState,
  kCarpDemotion,
  kVrrpState,
  kVrrpPriority,
};
using prometheus::MetricType;
constexpr MetricDef kMetrics[] = {
    {"ipv6_ha_role",
     "HA role of this node: 1 for the current role (master, backup, init, "
     "unknown), 0 for the others.",
     MetricType::Gauge,
     {"role"}},
    {"ipv6_ha_role_transitions_total",
     "Changes of this node's HA role since start.", MetricType::Counter},
    {"ipv6_ha_carp_vhid_state",
     "CARP state per interface and vhid: 1 for the current state, 0 for the "
     "others.",
     MetricType::Gauge,
     {"interface", "vhid", "state"}},
    {"ipv6_ha_carp_demotion",
     "Kernel net.inet.carp.demotion (sum of all contributors), where "
     "readable.",
     MetricType::Gauge},
    {"ipv6_ha_vrrp_instance_state",
     "keepalived's state per followed VRRP instance: 1 for the current state "
     "(master, backup, fault, stop, unknown = not reported), 0 for the "
     "others.",
     MetricType::Gauge,
     {"instance", "state"}},
    {"ipv6_ha_vrrp_instance_priority",
     "Effective VRRP priority keepalived last reported per followed "
     "instance.",
     MetricType::Gauge,
     {"instance"}},
};

nlohmann::json InstancesJson(const RoleReading& r) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& i : r.instances) {
    nlohmann::json j{{"name", i.name},
                     {"state", std::string(VrrpStateName(i.state))},
                     {"restored", i.restored}};
    if (i.state != VrrpState::kUnknown) j["priority"] = i.priority;
    out.push_back(std::move(j));
  }
  return out;
}

// ipv6_ha_vrrp_instance_state and _priority, for source keepalived.
void AddVrrpFamilies(const RoleReading& r,
                     std::vector<prometheus::MetricFamily>& out) {
  if (r.instances.empty()) return;
  MetricSamples state(kMetrics[kVrrpState]), priority(kMetrics[kVrrpPriority]);
  for (const auto& i : r.instances) {
    for (VrrpState s : kAllVrrpStates)
      state.Add({i.name, VrrpStateName(s)}, i.state == s ? 1 : 0);
    if (i.state != VrrpState::kUnknown) priority.Add({i.name}, i.priority);
  }
  out.push_back(state.Take());
  if (!priority.empty()) out.push_back(priority.Take());
}

}  // namespace

std::unique_ptr<RoleSource> MakeRoleSource(const RoleConfig& config,
                                           const CommandPaths& commands) {
  if (config.source == "carp") {
    auto it = commands.find("ifconfig");
    return std::make_unique<CarpRoleSource>(
        it != commands.end() ? it->second : "/sbin/ifconfig",
        std::chrono::seconds(2));
  }
  if (config.source == "keepalived") {
    return std::make_unique<KeepalivedRoleSource>(config.keepalived);
  }
  if (config.source == "vip")
    return std::make_unique<VipRoleSource>(config.vip);
  return std::make_unique<StaticRoleSource>(config.static_role);
}

RoleMonitor::RoleMonitor(std::unique_ptr<RoleSource> source,
                         std::chrono::milliseconds poll_interval)
    : source_(std::move(source)),
      // A zero interval from config would spin; 50 ms is plenty prompt.
      poll_interval_(std::max(poll_interval, std::chrono::milliseconds(50))) {}

RoleMonitor::~RoleMonitor() { Stop(); }

void RoleMonitor::Start() {
  {
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) return;
  }
  follow_ = source_->Follow([this](bool transition) { Poll(transition); });
  PollOnce();
  std::lock_guard lock(mutex_);
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void RoleMonitor::Stop() {
  follow_.reset();  // joins the source's thread: no more Poll() from there
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    poll_requested_ = false;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RoleMonitor::Loop() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    wake_.wait_for(lock, poll_interval_,
                   [this] { return stop_ || poll_requested_; });
    if (stop_) break;
    // Cleared before the reading starts: a request that arrives during it
    // gets the next one.
    const bool requested = std::exchange(poll_requested_, false);
    lock.unlock();
    Poll(requested);
    lock.lock();
  }
}

void RoleMonitor::RequestPoll() {
  {
    std::lock_guard lock(mutex_);
    if (stop_ || !thread_.joinable()) return;
    poll_requested_ = true;
  }
  wake_.notify_all();
}

void RoleMonitor::PollOnce() { Poll(false); }

void RoleMonitor::Poll(bool transition) {
  std::lock_guard poll(poll_mutex_);
  RoleReading reading = source_->Read();
  Role previous = Role::kUnknown;
  bool changed = false;
  std::vector<Listener> listeners;
  {
    std::lock_guard lock(mutex_);
    previous = latest_.role;
    changed = have_reading_ && previous != reading.role;
    if (changed) ++transitions_;
    if (reading.role != Role::kUnknown) {
      if (last_known_ != Role::kUnknown && last_known_ != reading.role)
        ++known_changes_;
      last_known_ = reading.role;
    }
    if (reading.error != last_error_) {
      if (!reading.error.empty()) {
        spdlog::warn("role: cannot read role: {}", reading.error);
      } else if (!last_error_.empty()) {
        spdlog::info("role: readable again ({})", reading.detail);
      }
      last_error_ = reading.error;
    }
    if (!have_reading_) {
      spdlog::info("role: {} ({})", RoleName(reading.role), reading.detail);
    }
    have_reading_ = true;
    latest_ = std::move(reading);
    if (changed || transition) listeners = listeners_;
  }
  if (changed) {
    spdlog::warn("role: changed from {} to {} ({})", RoleName(previous),
                 RoleName(CurrentRole()), Latest().detail);
  } else if (transition) {
    spdlog::info("role: a transition was reported, still {} ({})",
                 RoleName(previous), Latest().detail);
  }
  if (changed || transition) {
    for (const auto& l : listeners) l(previous, CurrentRole());
  }
}

void RoleMonitor::AddListener(Listener listener) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(listener));
}

Role RoleMonitor::CurrentRole() const {
  std::lock_guard lock(mutex_);
  return latest_.role;
}

RoleSample RoleMonitor::Sample() const {
  std::lock_guard lock(mutex_);
  return {latest_.role, known_changes_};
}

RoleReading RoleMonitor::Latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

std::uint64_t RoleMonitor::Transitions() const {
  std::lock_guard lock(mutex_);
  return transitions_;
}

nlohmann::json RoleMonitor::Detail() const {
  std::lock_guard lock(mutex_);
  nlohmann::json vhids = nlohmann::json::array();
  for (const auto& v : latest_.vhids) {
    vhids.push_back({{"interface", v.interface},
                     {"vhid", v.vhid},
                     {"state", std::string(CarpStateName(v.state))},
                     {"advbase", v.advbase},
                     {"advskew", v.advskew}});
  }
  nlohmann::json j{{"detail", latest_.detail},
                   {"mixed", latest_.mixed},
                   {"error", latest_.error},
                   {"transitions", transitions_},
                   {"vhids", vhids}};
  if (!latest_.instances.empty()) j["instances"] = InstancesJson(latest_);
  if (latest_.carp_demotion) {
    j["carp_demotion"] = *latest_.carp_demotion;
  } else {
    j["carp_demotion_error"] = latest_.carp_demotion_error;
  }
  return j;
}

MetricTable RoleMonitor::Metrics() { return kMetrics; }

std::vector<prometheus::MetricFamily> RoleMonitor::Collect() const {
  MetricSamples role(kMetrics[kRole]), transitions(kMetrics[kTransitions]),
      vhid(kMetrics[kVhidState]), demotion(kMetrics[kCarpDemotion]);
  std::lock_guard lock(mutex_);
  for (Role r : kAllRoles)
    role.Add({RoleName(r)}, have_reading_ && latest_.role == r ? 1 : 0);
  transitions.Add({}, static_cast<double>(transitions_));
  for (const auto& v : latest_.vhids) {
    for (CarpState s : kAllCarpStates) {
      vhid.Add({v.interface, std::to_string(v.vhid), CarpStateName(s)},
               v.state == s ? 1 : 0);
    }
  }
  std::vector<prometheus::MetricFamily> out{role.Take(), transitions.Take()};
  if (!vhid.empty()) out.push_back(vhid.Take());
  AddVrrpFamilies(latest_, out);
  if (latest_.carp_demotion) {
    demotion.Add({}, static_cast<double>(*latest_.carp_demotion));
    out.push_back(demotion.Take());
  }
  return out;
}

}  // namespace ipv6ha
