#pragma once

// Expected<T>: a value or an Error with a sentence an operator can act on.
// C++20 has no std::expected; this is the small subset the project uses.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace ipv6ha {

struct Error {
  std::string message;
};

template <typename T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : data_(std::move(value)) {}      // NOLINT: implicit
  Expected(Error error) : data_(std::move(error)) {}  // NOLINT: implicit

  bool ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<T>(data_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(data_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<Error>(data_);
  }

 private:
  std::variant<T, Error> data_;
};

// For operations that return nothing on success.
struct Unit {};
using Status = Expected<Unit>;
inline Status OkStatus() { return Unit{}; }

}  // namespace ipv6ha
