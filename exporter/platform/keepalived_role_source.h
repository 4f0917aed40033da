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
// them from. When it starts following (Follow) it restores the record if the
// FIFO at the path is still the same one (keepalived has neither restarted
// nor reloaded since: both make a new FIFO, or, when they reuse it, write
// the states anew); then the lines keepalived buffered meanwhile are read
// over it. Read() without Follow() (the `check` command) never reads the
// FIFO, which would take lines from the daemon: it reads the record.
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

  KeepalivedRoleConfig config_;
  mutable std::mutex mutex_;
  VrrpInstanceTable table_;
  bool following_ = false;
  NotifyFifoReader::Feed feed_;
  std::string line_problem_;    // the last line keepalived wrote that we
                                // could not read, for the detail
  std::string record_problem_;  // why the record could not be written
  Changed changed_;
};

}  // namespace ipv6ha
