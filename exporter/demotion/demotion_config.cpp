#include "exporter/demotion/demotion_config.h"

#include <cstdint>
#include <limits>

namespace ipv6ha {

DemotionConfig ParseDemotionConfig(ConfigReader& r) {
  DemotionConfig c;
  c.enabled = r.Bool("enabled", c.enabled);
  c.sink = r.Enum("sink",
                  {"carp_sysctl", "keepalived_track_file", "command", "none"},
                  c.sink);
  c.track_file = r.String("track_file", c.track_file);
  c.state_file = r.String("state_file", c.state_file);
  c.command = r.StringList("command");
  c.fall = static_cast<int>(r.Int("fall", c.fall, 1, 1000));
  c.rise = static_cast<int>(r.Int("rise", c.rise, 1, 1000));
  c.hold_down = r.Dur("hold_down", c.hold_down);
  c.max = static_cast<int>(
      r.Int("max", c.max, 0, std::numeric_limits<std::int32_t>::max()));
  if (c.max >= kMaxContributionLimit) {
    r.Fail("max", r.path() + ".max must be below 2^20 (" +
                      std::to_string(kMaxContributionLimit) +
                      ", OPNsense's share of net.inet.carp.demotion) so our "
                      "part of the counter stays unambiguous, not " +
                      std::to_string(c.max));
    c.max = 240;
  }
  const std::string policy =
      r.Enum("upstream_failover", {"never", "peer_confirmed", "always"},
             "peer_confirmed");
  c.upstream_failover = policy == "never"    ? UpstreamFailover::kNever
                        : policy == "always" ? UpstreamFailover::kAlways
                                             : UpstreamFailover::kPeerConfirmed;
  c.unknown_hold = r.Dur("unknown_hold", c.unknown_hold);
  c.dry_run = r.Bool("dry_run", c.dry_run);
  c.keep_on_exit = r.Bool("keep_on_exit", c.keep_on_exit);
  if (auto flap = r.Map("flap_guard")) {
    c.flap_changes =
        static_cast<int>(flap->Int("changes", c.flap_changes, 1, 1000));
    c.flap_window = flap->Dur("window", c.flap_window);
    flap->RejectUnknownKeys();
  }
  if (c.sink == "command" && c.command.empty()) {
    r.Fail("sink", r.path() + ".command is required with sink: command");
  }
  if (!c.command.empty() && c.command[0].rfind('/', 0) != 0) {
    r.Fail("command", r.path() + ".command[0] must be an absolute path");
  }
  return c;
}

}  // namespace ipv6ha
