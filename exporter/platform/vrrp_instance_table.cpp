#include "exporter/platform/vrrp_instance_table.h"

#include <algorithm>
#include <charconv>

#include "exporter/text/join.h"

namespace ipv6ha {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return out;
}

std::string Describe(const VrrpInstance& i) {
  if (i.state == VrrpState::kUnknown) return i.name + " not reported";
  return i.name + " " + Upper(VrrpStateName(i.state)) + " (priority " +
         std::to_string(i.priority) + (i.restored ? ", restored" : "") + ")";
}

bool ParseU64(std::string_view s, std::uint64_t& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

Expected<FifoIdentity> ParseFifoLine(std::string_view rest) {
  const auto space = rest.find(' ');
  FifoIdentity id;
  if (space == std::string_view::npos ||
      !ParseU64(rest.substr(0, space), id.device) ||
      !ParseU64(rest.substr(space + 1), id.inode)) {
    return Error{"\"fifo\" line is not \"fifo DEVICE INODE\""};
  }
  return id;
}

}  // namespace

std::string FormatVrrpRecord(const VrrpRecord& record) {
  std::string out =
      "# ipv6_ha_exporter: keepalived's VRRP states as last read from its "
      "notify FIFO\n";
  out += "fifo " + std::to_string(record.fifo.device) + " " +
         std::to_string(record.fifo.inode) + "\n";
  if (record.vrrp_pid > 0) {
    out += "pid " + std::to_string(record.vrrp_pid) + "\n";
  }
  for (const auto& i : record.instances) {
    if (i.state != VrrpState::kUnknown) out += FormatNotifyLine(i) + "\n";
  }
  return out;
}

Expected<VrrpRecord> ParseVrrpRecord(std::string_view text) {
  VrrpRecord record;
  bool have_fifo = false;
  int number = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? "" : text.substr(nl + 1);
    ++number;
    const std::string where = "line " + std::to_string(number) + ": ";
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("pid ")) {
      std::uint64_t pid = 0;
      if (!ParseU64(line.substr(4), pid) || pid == 0 || pid > 0x7fffffff) {
        return Error{where + "\"pid\" line is not \"pid PID\""};
      }
      record.vrrp_pid = static_cast<std::int64_t>(pid);
      continue;
    }
    if (line.starts_with("fifo ")) {
      auto id = ParseFifoLine(line.substr(5));
      if (!id) return Error{where + id.error().message};
      record.fifo = *id;
      have_fifo = true;
      continue;
    }
    auto parsed = ParseNotifyLine(line);
    if (!parsed) return Error{where + parsed.error().message};
    if (parsed->group || parsed->kind != NotifyKind::kState) {
      return Error{where + "not the state of an instance"};
    }
    record.instances.push_back(
        {parsed->name, parsed->state, parsed->priority, true});
  }
  if (!have_fifo) return Error{"no \"fifo DEVICE INODE\" line"};
  return record;
}

VrrpInstanceTable::VrrpInstanceTable(std::vector<std::string> followed)
    : followed_(std::move(followed)) {}

bool VrrpInstanceTable::Follows(const std::string& name) const {
  return followed_.empty() ||
         std::find(followed_.begin(), followed_.end(), name) != followed_.end();
}

bool VrrpInstanceTable::Apply(const NotifyLine& line) {
  if (line.group) return false;
  if (line.kind == NotifyKind::kDeleted) {
    return reported_.erase(line.name) > 0 && Follows(line.name);
  }
  auto [it, added] = reported_.try_emplace(line.name);
  VrrpInstance& i = it->second;
  const bool changed = added || i.restored || i.state != line.state;
  i.name = line.name;
  i.state = line.state;
  i.priority = line.priority;
  i.restored = false;
  // A priority event is no transition, unless it is the first news of the
  // instance (the exporter started after its last transition).
  return changed && Follows(line.name);
}

void VrrpInstanceTable::Forget() { reported_.clear(); }

void VrrpInstanceTable::Restore(const std::vector<VrrpInstance>& instances) {
  for (const auto& i : instances) {
    VrrpInstance copy = i;
    copy.restored = true;
    reported_[i.name] = std::move(copy);
  }
}

std::vector<VrrpInstance> VrrpInstanceTable::Reported() const {
  std::vector<VrrpInstance> out;
  for (const auto& [name, i] : reported_) out.push_back(i);
  return out;
}

RoleReading VrrpInstanceTable::Derive(const std::string& feed_problem) const {
  RoleReading r;
  r.carp_demotion_error = "role source is keepalived";
  if (followed_.empty()) {
    r.instances = Reported();
  } else {
    for (const auto& name : followed_) {
      auto it = reported_.find(name);
      r.instances.push_back(it != reported_.end() ? it->second
                                                  : VrrpInstance{name});
    }
  }
  std::vector<std::string> described;
  int masters = 0;
  const VrrpInstance* missing = nullptr;
  const VrrpInstance* stopped = nullptr;
  const VrrpInstance* fault = nullptr;
  for (const auto& i : r.instances) {
    described.push_back(Describe(i));
    if (i.state == VrrpState::kMaster) ++masters;
    if (i.state == VrrpState::kUnknown && !missing) missing = &i;
    if (i.state == VrrpState::kStop && !stopped) stopped = &i;
    if (i.state == VrrpState::kFault && !fault) fault = &i;
  }
  r.detail = Join(described, ", ");
  if (!feed_problem.empty()) {
    r.error = feed_problem;
  } else if (r.instances.empty()) {
    r.error =
        "keepalived has not reported any VRRP instance on its notify FIFO yet "
        "(it writes a line at each transition)";
  } else if (missing) {
    r.error = "keepalived has not reported instance \"" + missing->name +
              "\" since the exporter opened its notify FIFO (it writes a line "
              "at each transition)";
  } else if (stopped) {
    r.error = "keepalived stopped instance \"" + stopped->name +
              "\" (it is shutting down or restarting)";
  }
  const int total = static_cast<int>(r.instances.size());
  if (!r.error.empty()) {
    r.role = Role::kUnknown;
  } else if (fault) {
    r.role = Role::kFault;
  } else if (masters == total) {
    r.role = Role::kMaster;
  } else {
    r.role = Role::kBackup;
  }
  r.mixed = masters > 0 && masters < total;
  return r;
}

}  // namespace ipv6ha
