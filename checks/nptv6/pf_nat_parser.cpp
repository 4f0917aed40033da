#include "checks/nptv6/pf_nat_parser.h"

#include <algorithm>
#include <string>

namespace ipv6ha {
namespace {

// Splits a pf rule into words; "double quoted" strings are one word (quotes
// removed, \" unescaped); braces are words of their own.
std::vector<std::string> Tokenize(std::string_view line) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < line.size()) {
    const char c = line[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == '"') {
      std::string word;
      ++i;
      while (i < line.size() && line[i] != '"') {
        if (line[i] == '\\' && i + 1 < line.size()) ++i;
        word += line[i++];
      }
      ++i;  // closing quote (or end of line when it is missing)
      words.push_back(std::move(word));
    } else if (c == '{' || c == '}' || c == ',') {
      words.emplace_back(1, c);
      ++i;
    } else {
      std::size_t start = i;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t' &&
             line[i] != '"' && line[i] != '{' && line[i] != '}' &&
             line[i] != '\r' && line[i] != ',') {
        ++i;
      }
      words.emplace_back(line.substr(start, i - start));
    }
  }
  return words;
}

// First words a line of `pfctl -s nat` can start with.
bool IsPfTranslationKeyword(const std::string& word) {
  static const char* const kKeywords[] = {
      "nat",        "rdr",          "binat",  "no",   "nat-anchor",
      "rdr-anchor", "binat-anchor", "anchor", "pass", "match"};
  return std::any_of(std::begin(kKeywords), std::end(kKeywords),
                     [&](const char* k) { return word == k; });
}

std::size_t Find(const std::vector<std::string>& words, std::string_view word,
                 std::size_t from = 0) {
  for (std::size_t i = from; i < words.size(); ++i) {
    if (words[i] == word) return i;
  }
  return words.size();
}

bool LooksIpv6(const std::string& word) {
  return word.find(':') != std::string::npos;
}

// Parses one binat line; nullopt when it is not an IPv6 prefix translation
// (IPv4 binat). Errors only for IPv6 binat lines we cannot read.
Expected<std::optional<NptRule>> ParseBinat(const std::vector<std::string>& w,
                                            std::string_view line) {
  using Result = std::optional<NptRule>;
  const std::size_t from = Find(w, "from");
  const std::size_t arrow = Find(w, "->");
  if (from + 1 >= w.size() || arrow + 1 >= w.size() || arrow < from) {
    if (Find(w, "inet6") < w.size()) {
      return Error{"cannot read pf binat rule: " + std::string(line)};
    }
    return Result();
  }
  const std::string& source = w[from + 1];
  const std::string& target = w[arrow + 1];
  const bool inet6 = Find(w, "inet6") < from;
  if (!inet6 && !(LooksIpv6(source) && LooksIpv6(target))) return Result();
  auto from_prefix = Ipv6Prefix::ParseAddressOrPrefix(source);
  auto to_prefix = Ipv6Prefix::ParseAddressOrPrefix(target);
  if (!from_prefix || !to_prefix) {
    // Tables (<lan>) and interface names ((igc0)) are not NPT prefixes.
    if (source.starts_with("<") || source.starts_with("(") ||
        target.starts_with("<") || target.starts_with("(") || source == "{" ||
        target == "{") {
      return Result();
    }
    return Error{"cannot read the prefixes of pf binat rule: " +
                 std::string(line.substr(0, 200))};
  }
  NptRule rule;
  rule.from = *from_prefix;
  rule.to = *to_prefix;
  const std::size_t on = Find(w, "on");
  if (on + 1 < from) rule.interface = w[on + 1];
  const std::size_t label = Find(w, "label", arrow);
  if (label + 1 < w.size()) rule.label = w[label + 1];
  rule.source = std::string(line);
  return Result(std::move(rule));
}

}  // namespace

Expected<std::vector<NptRule>> ParsePfNat(std::string_view text) {
  std::vector<NptRule> rules;
  std::size_t line_number = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (line.size() > 4096) {
      return Error{"line " + std::to_string(line_number) +
                   " of pfctl output is too long to be a rule"};
    }
    auto words = Tokenize(line);
    if (words.empty()) continue;
    if (!IsPfTranslationKeyword(words[0])) {
      return Error{"line " + std::to_string(line_number) +
                   " is not a pf translation rule: \"" +
                   std::string(line.substr(0, 120)) + "\""};
    }
    if (words[0] != "binat") continue;
    auto rule = ParseBinat(words, line);
    if (!rule) {
      return Error{"line " + std::to_string(line_number) + ": " +
                   rule.error().message};
    }
    if (rule->has_value()) rules.push_back(std::move(**rule));
  }
  return rules;
}

}  // namespace ipv6ha
