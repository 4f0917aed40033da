#include "exporter/config/role_config.h"

namespace ipv6ha {
namespace {

// `role.fifo`, `role.instances`, `role.record_file`, `role.vrrp_pid_file`
// (source keepalived).
void ParseKeepalivedRole(ConfigReader& r, RoleConfig& role) {
  KeepalivedRoleConfig& k = role.keepalived;
  k.fifo = r.String("fifo", "");
  k.instances = r.StringList("instances");
  k.record_file = r.String("record_file", kDefaultKeepalivedRecordFile);
  k.vrrp_pid_file = r.String("vrrp_pid_file", k.vrrp_pid_file);
  for (const auto& [key, value] :
       {std::pair{"fifo", k.fifo}, std::pair{"record_file", k.record_file},
        std::pair{"vrrp_pid_file", k.vrrp_pid_file}}) {
    if (!value.empty() && value[0] != '/') {
      r.Fail(key, r.path() + "." + key + " must be an absolute path, not \"" +
                      value + "\"");
    }
  }
  if (role.source != "keepalived") return;
  if (k.fifo.empty()) {
    r.FailHere(r.path() +
               ".fifo is required with source: keepalived (the path of "
               "vrrp_notify_fifo in keepalived's global_defs)");
  } else if (k.fifo == k.record_file) {
    r.Fail("record_file", r.path() + ".record_file must not be the FIFO");
  }
}

}  // namespace

void ParseRoleConfig(ConfigReader& r, RoleConfig& role) {
  role.source =
      r.Enum("source", {"carp", "keepalived", "vip", "static"}, role.source);
  role.vip = r.String("vip", "");
  ParseKeepalivedRole(r, role);
  if (auto s = r.String("static")) {
    if (auto parsed = ParseRole(*s)) {
      role.static_role = *parsed;
    } else {
      r.Fail("static",
             r.path() +
                 ".static must be master, backup, init or fault, not \"" + *s +
                 "\"");
    }
  }
  role.poll_interval = r.Dur("poll_interval", role.poll_interval);
  if (role.source == "vip" && role.vip.empty()) {
    r.FailHere(r.path() + ".vip is required with source: vip");
  }
  r.RejectUnknownKeys();
}

}  // namespace ipv6ha
