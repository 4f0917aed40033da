#pragma once

// UTF-8 at the boundary where outside bytes enter the process (files, the
// output of programs, peer replies, config text). Everything that reaches
// JSON, metrics or logs passes through here first, so a stray byte becomes
// U+FFFD instead of an exception in a JSON dump or a rejected scrape.
// Pure functions, thread safe.

#include <cstddef>
#include <string>
#include <string_view>

namespace ipv6ha {

// The offset of the first byte that does not start a well-formed UTF-8
// sequence (overlong forms, surrogates and code points above U+10FFFF are
// ill-formed), or std::string_view::npos when `text` is valid UTF-8.
std::size_t FirstInvalidUtf8(std::string_view text);

inline bool IsValidUtf8(std::string_view text) {
  return FirstInvalidUtf8(text) == std::string_view::npos;
}

// `text` with every maximal ill-formed subsequence replaced by U+FFFD (the
// Unicode "substitution of maximal subparts" practice, as browsers do).
// Valid text is returned unchanged.
std::string RepairUtf8(std::string_view text);

// At most `max_bytes` of `text`, cut before a character rather than inside
// one (for quoting outside text in messages). `text` must be valid UTF-8.
std::string_view Utf8Prefix(std::string_view text, std::size_t max_bytes);

// Repairs `text` in place; returns true when something was replaced. Does
// not copy when the text is already valid.
bool RepairUtf8InPlace(std::string& text);

}  // namespace ipv6ha
