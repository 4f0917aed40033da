#pragma once

// What keepalived last reported per VRRP instance on its notify FIFO, and
// the node's role derived from it. Pure (no OS, no clock); not thread safe:
// the owner (KeepalivedRoleSource) locks around it.
//
// The node is MASTER only when every followed instance is MASTER; FAULT
// when one is FAULT; unknown, with a reason, while one is STOP (keepalived
// is stopping it) or has not been reported; BACKUP otherwise. `followed`
// empty follows every instance reported. GROUP lines (sync groups) are not
// followed: keepalived reports each member instance as well.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/base/expected.h"
#include "exporter/platform/role_source.h"
#include "exporter/platform/vrrp_notify_parser.h"

namespace ipv6ha {

// Which FIFO the states were read from (st_dev, st_ino). keepalived creates
// a new FIFO when it starts or reloads (unless the path already held one),
// so a record of another FIFO says nothing about the current keepalived.
struct FifoIdentity {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  bool operator==(const FifoIdentity&) const = default;
};

// The states kept between runs of the exporter (role.record_file), so that
// a restart or reload of the exporter knows what keepalived reported before
// (keepalived writes a line on each transition only).
struct VrrpRecord {
  FifoIdentity fifo;
  // keepalived's VRRP process that had the FIFO open (0: not known).
  std::int64_t vrrp_pid = 0;
  std::vector<VrrpInstance> instances;
};

// Text of a record: a comment, `fifo DEVICE INODE`, `pid PID` when known,
// then one notify line per instance (FormatNotifyLine). ParseVrrpRecord
// reads it back, instances marked restored; errors name the wrong line.
std::string FormatVrrpRecord(const VrrpRecord& record);
Expected<VrrpRecord> ParseVrrpRecord(std::string_view text);

class VrrpInstanceTable {
 public:
  explicit VrrpInstanceTable(std::vector<std::string> followed);

  // One line from the FIFO. True when a followed instance changed state (or
  // was deleted): a transition the checks are re-run for.
  bool Apply(const NotifyLine& line);
  // keepalived closed the FIFO (it stopped, restarts, reloads or died):
  // nothing it said before holds any more.
  void Forget();
  // States recorded by an earlier run, for the same FIFO, or kept across a
  // reload of keepalived: marked restored until keepalived reports them.
  void Restore(const std::vector<VrrpInstance>& instances);

  // Every reported instance (followed or not), by name.
  std::vector<VrrpInstance> Reported() const;
  // Role, detail, error and the followed instances (kUnknown for those not
  // reported). A non-empty `feed_problem` (the FIFO is missing, closed,
  // unreadable) makes the role unknown with it as the error.
  RoleReading Derive(const std::string& feed_problem) const;

 private:
  bool Follows(const std::string& name) const;

  std::vector<std::string> followed_;
  std::map<std::string, VrrpInstance> reported_;
};

}  // namespace ipv6ha
