#pragma once
// Results a person will see travel as values up to the CLI, which turns them into one
// clear sentence and an exit code (CLI.md). Exceptions stop at main().
#include <string>
#include <utility>
#include <variant>

#include "pairspace.pb.h"

namespace pairspace {

using Code = v1::Code;

struct Error {
  Code code = v1::CODE_STORE;
  std::string message;  // one clear, kind sentence saying what happened and what to do next
};

inline Error make_error(Code code, std::string message) { return Error{code, std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_v(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Error error) : m_v(std::move(error)) {}      // NOLINT(google-explicit-constructor)

  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(m_v); }
  const T& value() const& { return std::get<0>(m_v); }
  T&& value() && { return std::get<0>(std::move(m_v)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const Error& error() const { return std::get<1>(m_v); }

 private:
  std::variant<T, Error> m_v;
};

struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Ok{}; }

}  // namespace pairspace
