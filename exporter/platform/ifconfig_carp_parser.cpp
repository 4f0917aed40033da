#include "exporter/platform/ifconfig_carp_parser.h"

#include <cctype>
#include <charconv>
#include <string>

namespace ipv6ha {
namespace {

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

int ToInt(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// ifconfig prints the state upper case ("MASTER"); the names are lower case.
CarpState ParseState(std::string_view s) {
  std::string lower(s);
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return kCarpStateNames.Parse(lower).value_or(CarpState::kUnknown);
}

// "igb0: flags=8943<UP,...> metric 0 mtu 1500" starts an interface block.
bool IsInterfaceHeader(std::string_view line) {
  return !line.empty() && line[0] != ' ' && line[0] != '\t' &&
         line.find(": flags=") != std::string_view::npos;
}

}  // namespace

std::vector<CarpVhid> ParseIfconfigCarp(std::string_view text) {
  std::vector<CarpVhid> out;
  std::string current_interface;
  bool last_was_carp = false;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text =
        nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (IsInterfaceHeader(line)) {
      current_interface = std::string(line.substr(0, line.find(": flags=")));
      last_was_carp = false;
      continue;
    }
    const auto words = Words(line);
    if (words.empty()) continue;
    if (words[0] == "carp:" && words.size() >= 2) {
      CarpVhid v;
      v.interface = current_interface;
      v.state = ParseState(words[1]);
      for (std::size_t i = 2; i + 1 < words.size(); i += 2) {
        if (words[i] == "vhid") v.vhid = ToInt(words[i + 1]);
        if (words[i] == "advbase") v.advbase = ToInt(words[i + 1]);
        if (words[i] == "advskew") v.advskew = ToInt(words[i + 1]);
      }
      out.push_back(std::move(v));
      last_was_carp = true;
      continue;
    }
    if (last_was_carp && words[0] == "peer") {
      // FreeBSD 14: "peer 224.0.0.18 peer6 ff02::12" belongs to the carp line
      // above.
      for (std::size_t i = 0; i + 1 < words.size(); i += 2) {
        if (words[i] == "peer") out.back().peer = std::string(words[i + 1]);
        if (words[i] == "peer6") out.back().peer6 = std::string(words[i + 1]);
      }
    }
    last_was_carp = false;
  }
  return out;
}

void DeriveNodeRole(RoleReading& reading) {
  const auto& vhids = reading.vhids;
  if (vhids.empty()) {
    reading.role = Role::kUnknown;
    reading.mixed = false;
    reading.error = "no CARP vhid found in ifconfig output";
    reading.detail = "no CARP vhid";
    return;
  }
  int master = 0, backup = 0, init = 0, other = 0;
  for (const auto& v : vhids) {
    switch (v.state) {
      case CarpState::kMaster:
        ++master;
        break;
      case CarpState::kBackup:
        ++backup;
        break;
      case CarpState::kInit:
        ++init;
        break;
      case CarpState::kUnknown:
        ++other;
        break;
    }
  }
  const int n = static_cast<int>(vhids.size());
  reading.mixed = master != n && backup != n && init != n && other != n;
  if (master == n) {
    reading.role = Role::kMaster;
  } else if (master + backup > 0) {
    reading.role = Role::kBackup;  // not every vhid is MASTER
  } else if (init > 0) {
    reading.role = Role::kInit;
  } else {
    reading.role = Role::kUnknown;
    reading.error = "CARP state not recognised in ifconfig output";
  }
  reading.detail = std::to_string(n) + " vhid(s): " + std::to_string(master) +
                   " MASTER, " + std::to_string(backup) + " BACKUP, " +
                   std::to_string(init) + " INIT" +
                   (reading.mixed ? " (mixed)" : "");
}

}  // namespace ipv6ha
