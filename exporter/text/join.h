#pragma once

// The one way to list items in a sentence: "a; b; c" for reasons,
// "a, b, c" for names. Pure.

#include <string>
#include <string_view>
#include <vector>

namespace ipv6ha {

// The items with `separator` between them; "" for none.
std::string Join(const std::vector<std::string>& items,
                 std::string_view separator);

}  // namespace ipv6ha
