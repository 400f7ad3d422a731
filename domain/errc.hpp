// The domain's failure kinds, as an error_code category so they compose with other layers.
// The server maps each kind to an HTTP status; the message says what went wrong.
#pragma once

#include <optional>
#include <string>
#include <system_error>
#include <variant>

namespace awa::domain {

enum class errc {
  bad_request = 1,     // the request itself is wrong
  forbidden,           // the caller lacks a role
  not_found,           // a named record does not exist
  method_not_allowed,  // the resource exists, the operation does not apply to it
  conflict,            // the request is fine but the state does not allow it
  storage_failure,     // the change could not be made durable; nothing was applied
  gone,                // what was asked for is no longer kept (events beyond retention)
};

const std::error_category& domain_category();
std::error_code make_error_code(errc e);

// A refused request: its kind and the message the caller sees.
struct Failure {
  errc kind;
  std::string message;
  std::optional<std::string> detail = {};  // the error envelope's detail, when it has one
};

// The result of a domain operation: a value or a Failure.
template <class T>
class Outcome {
public:
  using value_type = T;

  Outcome(T value) : value_(std::move(value)) {}
  Outcome(Failure failure) : value_(std::move(failure)) {}

  bool ok() const { return value_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(value_); }
  const T& value() const { return std::get<0>(value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Failure& failure() const { return std::get<1>(value_); }

private:
  std::variant<T, Failure> value_;
};

inline Failure fail(errc kind, std::string message) {
  return {kind, std::move(message)};
}
inline Failure fail(errc kind, std::string message, std::string detail) {
  return {kind, std::move(message), std::move(detail)};
}

}  // namespace awa::domain

template <>
struct std::is_error_code_enum<awa::domain::errc> : std::true_type {};
