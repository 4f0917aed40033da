#pragma once

// One table of names per enum, used both to print a value and to parse a
// name, so the two cannot drift:
//
//   inline constexpr auto kRoleNames = MakeNameTable<Role>(
//       {{Role::kMaster, "master"}, {Role::kBackup, "backup"}, ...});
//   kRoleNames.Name(Role::kMaster) == "master"
//   kRoleNames.Parse("backup") == Role::kBackup
//   for (Role r : kRoleNames.Values()) ...
//
// The entries list every enumerator in declaration order, starting at 0;
// a table built otherwise does not compile (MakeNameTable is evaluated at
// compile time for a constexpr table). Names are case-sensitive. Pure.

#include <array>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace ipv6ha {

template <typename E>
struct NameEntry {
  E value;
  std::string_view name;
};

template <typename E, std::size_t N>
class NameTable {
 public:
  constexpr explicit NameTable(const NameEntry<E> (&entries)[N]) {
    for (std::size_t i = 0; i < N; ++i) {
      if (static_cast<std::size_t>(entries[i].value) != i) {
        throw std::logic_error("name table entries out of enum order");
      }
      entries_[i] = entries[i];
    }
  }

  constexpr std::string_view Name(E value) const {
    const auto i = static_cast<std::size_t>(value);
    return i < N ? entries_[i].name : std::string_view();
  }
  constexpr std::optional<E> Parse(std::string_view name) const {
    for (const auto& e : entries_) {
      if (e.name == name) return e.value;
    }
    return std::nullopt;
  }
  // Every value, in declaration order.
  constexpr std::array<E, N> Values() const {
    std::array<E, N> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = entries_[i].value;
    return out;
  }
  // The entries, for messages that list the choices.
  constexpr const std::array<NameEntry<E>, N>& entries() const {
    return entries_;
  }

 private:
  std::array<NameEntry<E>, N> entries_{};
};

template <typename E, std::size_t N>
constexpr NameTable<E, N> MakeNameTable(const NameEntry<E> (&entries)[N]) {
  return NameTable<E, N>(entries);
}

}  // namespace ipv6ha
