#pragma once

// Pure parser of the lines keepalived writes to its notify FIFO
// (`vrrp_notify_fifo PATH` in global_defs), one per event, as
// keepalived/vrrp/vrrp_notify.c formats them (`%s "%s" %s %d\n`):
//
//   INSTANCE "VI_1" MASTER 100
//   INSTANCE "VI_1" BACKUP_PRIORITY 90
//   GROUP "G1" FAULT 0
//
// the type (INSTANCE or GROUP), the name in double quotes (not escaped: a
// name holding a quote is read up to the last quote), the state or event
// and the instance's effective priority (0..255; 0 for groups). States:
// MASTER, BACKUP, FAULT, STOP and DELETED (an instance removed by a reload,
// only with notify_deleted; otherwise keepalived writes FAULT). Events that
// are not transitions: MASTER_RX_LOWER_PRI, MASTER_PRIORITY and
// BACKUP_PRIORITY (the effective priority changed). keepalived writes
// `{UNKNOWN}` for anything else; that, and any other line, is an error.

#include <string>
#include <string_view>

#include "exporter/base/expected.h"
#include "exporter/platform/role_source.h"

namespace ipv6ha {

enum class NotifyKind {
  kState,    // a transition to `state`
  kEvent,    // not a transition (a priority change, a lower-priority
             // advert seen as MASTER); `state` is the current state
  kDeleted,  // the instance was removed by a reload
};

struct NotifyLine {
  bool group = false;  // GROUP line (a sync group), else INSTANCE
  std::string name;    // valid UTF-8, no control characters
  NotifyKind kind = NotifyKind::kState;
  VrrpState state = VrrpState::kUnknown;
  int priority = 0;

  bool operator==(const NotifyLine&) const = default;
};

// One line, without or with its trailing newline. Errors say what is wrong
// with the line ("not a keepalived notify line: ...").
Expected<NotifyLine> ParseNotifyLine(std::string_view line);

// The line keepalived would write for `instance` (no newline); the record
// of the states kept between runs uses it (VrrpInstanceTable).
std::string FormatNotifyLine(const VrrpInstance& instance);

}  // namespace ipv6ha
