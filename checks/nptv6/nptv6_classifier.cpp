#include "checks/nptv6/nptv6_classifier.h"

namespace ipv6ha {
namespace {

bool Translates(const NptRule& r, const Ipv6Prefix& from,
                const Ipv6Prefix& to) {
  return r.from && *r.from == from && r.to == to;
}

// Does `r` translate the internal prefix (either direction) at all?
bool MentionsInternal(const NptRule& r, const Ipv6Prefix& internal) {
  return (r.from && *r.from == internal) || r.to == internal;
}

// True when `r` is exactly a rule of another expected mapping (a LAN
// translated onto two WANs has two correct externals for one internal).
bool BelongsToOther(const NptRule& r, const ExpectedMapping& self,
                    const std::vector<ExpectedMapping>& all) {
  for (const auto& other : all) {
    if (&other == &self || !other.internal || !other.external) continue;
    if (Translates(r, *other.internal, *other.external) ||
        Translates(r, *other.external, *other.internal)) {
      return true;
    }
  }
  return false;
}

ClassifiedMapping Classify(const ExpectedMapping& e,
                           const std::vector<ExpectedMapping>& all,
                           const std::vector<NptRule>& rules,
                           std::vector<bool>& used) {
  ClassifiedMapping c;
  c.expected = e;
  if (!e.internal) {
    c.state = MappingState::kUnknown;
    c.reason = e.error;
    return c;
  }
  const Ipv6Prefix& in = *e.internal;
  bool outbound = false, inbound = false, stale = false;
  std::string stale_external;
  std::vector<std::size_t> mine, exact;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const NptRule& r = rules[i];
    if (!MentionsInternal(r, in) || BelongsToOther(r, e, all)) continue;
    mine.push_back(i);
    if (e.external && Translates(r, in, *e.external)) {
      outbound = true;
      exact.push_back(i);
    } else if (e.external && Translates(r, *e.external, in)) {
      inbound = true;
      exact.push_back(i);
    } else if (e.external) {
      stale = true;
      const Ipv6Prefix other = (r.from && *r.from == in) ? r.to
                               : r.from                  ? *r.from
                                                         : r.to;
      if (stale_external.empty()) stale_external = other.ToString();
    }
  }
  // A present mapping claims only its own two rules: a leftover rule with an
  // old prefix then shows up as unexpected (or as another mapping's stale).
  for (std::size_t i : (outbound && inbound) ? exact : mine) {
    used[i] = true;
    c.rules.push_back(rules[i]);
  }
  const std::string what =
      in.ToString() + " -> " + (e.external ? e.external->ToString() : "?");
  if (!e.external) {
    c.state = MappingState::kUnknown;
    c.reason = e.error;
  } else if (outbound && inbound) {
    c.state = MappingState::kPresent;
    c.reason = what + " is loaded";
  } else if (stale) {
    c.state = MappingState::kStale;
    c.reason = what + " is expected but a rule still uses " + stale_external;
  } else {
    c.state = MappingState::kMissing;
    c.reason = what + (outbound  ? " has no inbound rule"
                       : inbound ? " has no outbound rule"
                                 : " is not loaded");
  }
  return c;
}

}  // namespace

Classification ClassifyMappings(const std::vector<ExpectedMapping>& expected,
                                const std::vector<NptRule>& rules) {
  Classification out;
  std::vector<bool> used(rules.size(), false);
  for (const auto& e : expected) {
    out.mappings.push_back(Classify(e, expected, rules, used));
  }
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (!used[i]) out.unexpected.push_back(rules[i]);
  }
  return out;
}

}  // namespace ipv6ha
