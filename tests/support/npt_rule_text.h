#pragma once

// "IF FROM -> TO": one NPTv6 rule as the parser tests compare it.

#include <string>

#include "checks/nptv6/npt_rule.h"

namespace ipv6ha::testing {

inline std::string DescribeNptRule(const NptRule& r) {
  return r.interface + " " + (r.from ? r.from->ToString() : "-") + " -> " +
         r.to.ToString();
}

}  // namespace ipv6ha::testing
