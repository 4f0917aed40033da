#include "checks/nptv6/nft_ruleset_parser.h"

#include <nlohmann/json.hpp>

#include "exporter/text/bounded_json.h"

namespace ipv6ha {
namespace {

using Json = nlohmann::json;

// A {"prefix": {"addr": "...", "len": N}} value (or a plain address string)
// as an IPv6 prefix; nullopt when it is something else (IPv4, a set, ...).
std::optional<Ipv6Prefix> PrefixValue(const Json& value) {
  if (value.is_string()) {
    auto p = Ipv6Prefix::ParseAddressOrPrefix(value.get<std::string>());
    if (p) return *p;
    return std::nullopt;
  }
  if (!value.is_object()) return std::nullopt;
  auto it = value.find("prefix");
  if (it == value.end() || !it->is_object()) return std::nullopt;
  auto addr = it->find("addr");
  auto len = it->find("len");
  if (addr == it->end() || !addr->is_string() || len == it->end() ||
      !len->is_number_integer()) {
    return std::nullopt;
  }
  const auto length = len->get<std::int64_t>();
  if (length < 0 || length > 128) return std::nullopt;
  auto address = Ipv6Prefix::ParseAddress(addr->get<std::string>());
  if (!address) return std::nullopt;
  return Ipv6Prefix(*address, static_cast<int>(length));
}

bool HasNetmapFlag(const Json& nat) {
  auto flags = nat.find("flags");
  if (flags == nat.end()) return false;
  if (flags->is_string()) return flags->get<std::string>() == "netmap";
  if (flags->is_array()) {
    for (const auto& f : *flags) {
      if (f.is_string() && f.get<std::string>() == "netmap") return true;
    }
  }
  return false;
}

// What a rule's match statements say before its NAT statement.
struct Matches {
  std::string oifname, iifname;
  std::optional<Ipv6Prefix> saddr, daddr;
};

void ReadMatch(const Json& match, Matches& m) {
  auto left = match.find("left");
  auto right = match.find("right");
  if (left == match.end() || right == match.end() || !left->is_object()) return;
  if (auto meta = left->find("meta");
      meta != left->end() && meta->is_object()) {
    auto key = meta->find("key");
    if (key == meta->end() || !key->is_string() || !right->is_string()) return;
    if (*key == "oifname") m.oifname = right->get<std::string>();
    if (*key == "iifname") m.iifname = right->get<std::string>();
    return;
  }
  if (auto payload = left->find("payload");
      payload != left->end() && payload->is_object()) {
    auto protocol = payload->find("protocol");
    auto field = payload->find("field");
    if (protocol == payload->end() || field == payload->end() ||
        *protocol != "ip6") {
      return;
    }
    if (*field == "saddr") m.saddr = PrefixValue(*right);
    if (*field == "daddr") m.daddr = PrefixValue(*right);
  }
}

void ReadRule(const Json& rule, std::vector<NptRule>& out) {
  auto expr = rule.find("expr");
  if (expr == rule.end() || !expr->is_array()) return;
  Matches m;
  for (const auto& statement : *expr) {
    if (!statement.is_object()) continue;
    if (auto match = statement.find("match");
        match != statement.end() && match->is_object()) {
      ReadMatch(*match, m);
      continue;
    }
    for (const char* kind : {"snat", "dnat"}) {
      auto nat = statement.find(kind);
      if (nat == statement.end() || !nat->is_object()) continue;
      auto addr = nat->find("addr");
      if (addr == nat->end() || !HasNetmapFlag(*nat)) continue;
      auto to = PrefixValue(*addr);
      if (!to) continue;
      const bool snat = std::string_view(kind) == "snat";
      NptRule r;
      r.to = *to;
      r.from = snat ? m.saddr : m.daddr;
      r.interface = snat ? m.oifname : m.iifname;
      auto text = [&](const char* key) {
        auto it = rule.find(key);
        if (it == rule.end()) return std::string("?");
        return it->is_string() ? it->get<std::string>() : it->dump();
      };
      r.source = std::string(kind) + " in " + text("family") + " " +
                 text("table") + "/" + text("chain") + " handle " +
                 text("handle");
      if (auto comment = rule.find("comment");
          comment != rule.end() && comment->is_string()) {
        r.label = comment->get<std::string>();
      }
      out.push_back(std::move(r));
    }
  }
}

}  // namespace

Expected<std::vector<NptRule>> ParseNftRuleset(std::string_view json_text) {
  if (json_text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Error{"nft printed nothing (expected a JSON document)"};
  }
  // nft nests rules about 8 levels deep; the limit keeps a hostile or
  // broken output from costing a deep tree.
  auto parsed = ParseBoundedJson(json_text, {std::size_t{1} << 30, 64});
  if (!parsed) return Error{"nft output is " + parsed.error().message};
  const Json& root = *parsed;
  if (!root.is_object()) {
    return Error{"nft output is not a JSON object with an \"nftables\" list"};
  }
  auto list = root.find("nftables");
  if (list == root.end() || !list->is_array()) {
    return Error{"nft output has no \"nftables\" list"};
  }
  std::vector<NptRule> rules;
  for (const auto& element : *list) {
    if (!element.is_object()) {
      return Error{"an element of the \"nftables\" list is not an object"};
    }
    auto rule = element.find("rule");
    if (rule != element.end() && rule->is_object()) ReadRule(*rule, rules);
  }
  return rules;
}

}  // namespace ipv6ha
