#pragma once

// The `demotion:` section: how check results become a CARP/VRRP demotion.

#include <string>

#include "exporter/yaml/config_reader.h"

namespace ipv6ha {

// OPNsense's carp_service_status adds 2^20 to net.inet.carp.demotion; our
// contribution stays below it so reconciliation can tell the two apart.
inline constexpr int kMaxContributionLimit = 1 << 20;

enum class UpstreamFailover { kNever, kPeerConfirmed, kAlways };

struct DemotionConfig {
  bool enabled = true;
  std::string sink =
      "none";  // carp_sysctl | keepalived_track_file | command | none
  std::string track_file = "/run/ipv6_ha_exporter/demote";
  std::string state_file = "/var/db/ipv6_ha_exporter.state";
  std::vector<std::string> command;  // sink `command`: argv, gets new and old
  int fall = 3;
  int rise = 5;
  Duration hold_down{std::chrono::seconds(30)};
  int max = 240;  // below kMaxContributionLimit
  UpstreamFailover upstream_failover = UpstreamFailover::kPeerConfirmed;
  // Longest a share is held without fresh evidence (the check unknown or
  // not applicable, or restored after a restart); docs/demotion.md.
  Duration unknown_hold{std::chrono::minutes(5)};
  bool dry_run = false;
  bool keep_on_exit = false;
  // Flap guard: freeze after `flap_changes` role changes within `flap_window`.
  int flap_changes = 4;
  Duration flap_window{std::chrono::minutes(10)};
};

DemotionConfig ParseDemotionConfig(ConfigReader& reader);

}  // namespace ipv6ha
