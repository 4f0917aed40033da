#include "exporter/platform/vrrp_notify_parser.h"

#include <charconv>

#include "exporter/text/utf8.h"

namespace ipv6ha {
namespace {

// keepalived's instance names are config words; a longer "name" is not one.
constexpr std::size_t kMaxLine = 512;

struct Word {
  std::string_view text;
  NotifyKind kind;
  VrrpState state;
};

// The words of keepalived/vrrp/vrrp_notify.c notify_fifo().
constexpr Word kWords[] = {
    {"MASTER", NotifyKind::kState, VrrpState::kMaster},
    {"BACKUP", NotifyKind::kState, VrrpState::kBackup},
    {"FAULT", NotifyKind::kState, VrrpState::kFault},
    {"STOP", NotifyKind::kState, VrrpState::kStop},
    {"DELETED", NotifyKind::kDeleted, VrrpState::kUnknown},
    {"MASTER_RX_LOWER_PRI", NotifyKind::kEvent, VrrpState::kMaster},
    {"MASTER_PRIORITY", NotifyKind::kEvent, VrrpState::kMaster},
    {"BACKUP_PRIORITY", NotifyKind::kEvent, VrrpState::kBackup},
};

Error Bad(std::string_view line, std::string_view why) {
  const std::string shown = RepairUtf8(line.substr(0, 80));
  return Error{"not a keepalived notify line (" + std::string(why) + "): \"" +
               shown + (line.size() > 80 ? "...\"" : "\"")};
}

bool HasControl(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// Splits "REST WORD" at the last space.
bool CutLast(std::string_view& rest, std::string_view& word) {
  const auto space = rest.rfind(' ');
  if (space == std::string_view::npos) return false;
  word = rest.substr(space + 1);
  rest = rest.substr(0, space);
  return !word.empty();
}

}  // namespace

Expected<NotifyLine> ParseNotifyLine(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (line.size() > kMaxLine) return Bad(line, "longer than 512 bytes");
  std::string_view rest = line, number, word;
  if (!CutLast(rest, number) || !CutLast(rest, word)) {
    return Bad(line, "expected TYPE \"NAME\" STATE PRIORITY");
  }
  NotifyLine out;
  int priority = -1;
  const auto [end, ec] =
      std::from_chars(number.data(), number.data() + number.size(), priority);
  if (ec != std::errc() || end != number.data() + number.size() ||
      priority < 0 || priority > 255) {
    return Bad(line, "priority is not a number from 0 to 255");
  }
  out.priority = priority;
  const Word* found = nullptr;
  for (const auto& w : kWords) {
    if (w.text == word) found = &w;
  }
  if (found == nullptr) return Bad(line, "unknown state");
  out.kind = found->kind;
  out.state = found->state;
  std::string_view type;
  if (rest.starts_with("INSTANCE \"")) {
    type = "INSTANCE \"";
  } else if (rest.starts_with("GROUP \"")) {
    type = "GROUP \"";
    out.group = true;
  } else {
    return Bad(line, "type is neither INSTANCE nor GROUP");
  }
  rest.remove_prefix(type.size());
  if (rest.size() < 2 || rest.back() != '"') {
    return Bad(line, "name is not in double quotes");
  }
  rest.remove_suffix(1);
  if (HasControl(rest) || !IsValidUtf8(rest)) {
    return Bad(line, "name holds control characters or invalid UTF-8");
  }
  out.name = std::string(rest);
  return out;
}

std::string FormatNotifyLine(const VrrpInstance& instance) {
  std::string state;
  for (char c : VrrpStateName(instance.state)) {
    state.push_back(static_cast<char>(c - 'a' + 'A'));
  }
  return "INSTANCE \"" + instance.name + "\" " + state + " " +
         std::to_string(instance.priority);
}

}  // namespace ipv6ha
