#pragma once

// Role source `keepalived`: keepalived's own state per VRRP instance, read
// from its notify FIFO (NotifyFifoReader), judged by VrrpInstanceTable.
//
//   role: {source: keepalived, fifo: /run/keepalived_ipv6_ha.fifo,
//          instances: [VI6], record_file: /run/ipv6_ha_exporter/keepalived}
//
// keepalived writes a line at each transition and says nothing about states
// that do not change, so what this source knows it records in
// `record_file` after every change, with the identity of the FIFO it read
// them from and keepalived's VRRP process (its pid file, `vrrp_pid_file`).
// When it starts following (Follow) it restores the record only if the FIFO
// at the path is still the same one and, where the pid is known, the same
// VRRP process still runs (keepalived has not restarted: a restart makes a
// new FIFO, or writes the states anew into the old one); then the lines
// keepalived buffered meanwhile are read over it.
//
// keepalived closes the FIFO when it stops, restarts and reloads, and a
// reload does not report instances that stay MASTER. So when the FIFO comes
// back and the same VRRP process (same pid, still keepalived) runs, it was
// a reload: the states are kept (marked restored). Otherwise they are gone.
//
// Read() without Follow() (the `check` command) never reads the FIFO,
// which would take lines from the daemon: it reads the record.
//
// Thread safe: Read() may be called from any thread while the FIFO's thread
// updates the states.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exporter/platform/notify_fifo_reader.h"
#include "exporter/platform/role_source.h"
#include "exporter/platform/vrrp_instance_table.h"

namespace ipv6ha {

struct KeepalivedRoleConfig {
  std::string fifo;                    // keepalived's vrrp_notify_fifo
  std::vector<std::string> instances;  // empty: every instance reported
  std::string record_file;             // the states between runs
  // keepalived's VRRP child (Debian: /run/vrrp.pid; `-r` overrides it).
  // Empty or unreadable: reloads and restarts cannot be told apart.
  std::string vrrp_pid_file = "/run/vrrp.pid";
};

class KeepalivedRoleSource : public RoleSource {
 public:
  explicit KeepalivedRoleSource(KeepalivedRoleConfig config);
  ~KeepalivedRoleSource() override;

  RoleReading Read() override;
  std::unique_ptr<RoleFollow> Follow(Changed changed) override;

 private:
  class Following;
  RoleReading ReadRecordOnly() const;
  // On the FIFO's thread (or Follow's caller, for what is buffered).
  void OnFeed(const NotifyFifoReader::Feed& feed);
  void OnLine(std::string_view line);
  void WriteRecordLocked();
  // keepalived's VRRP process now: the pid in vrrp_pid_file if that process
  // runs and is keepalived, else 0.
  std::int64_t VrrpPid() const;
  // Whether a record may be restored for the FIFO `identity` now.
  bool RecordHolds(const VrrpRecord& record, const FifoIdentity& identity,
                   std::int64_t pid_now) const;

  KeepalivedRoleConfig config_;
  mutable std::mutex mutex_;
  VrrpInstanceTable table_;
  bool following_ = false;
  bool ever_open_ = false;
  NotifyFifoReader::Feed feed_;
  std::int64_t writer_pid_ = 0;  // VRRP process while the FIFO was open
  std::string line_problem_;     // the last line keepalived wrote that we
                                 // could not read, for the detail
  std::string record_problem_;   // why the record could not be written
  Changed changed_;
};

}  // namespace ipv6ha
