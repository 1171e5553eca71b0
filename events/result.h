// Errors as values. Every layer returns Result<T>; exceptions never cross a
// layer boundary. ErrorCode maps one-to-one onto the contract's error_code.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace closient {

enum class ErrorCode {
  bad_request,
  unauthorized,
  forbidden,
  not_found,
  method_not_allowed,
  conflict,
  precondition_failed,
  payload_too_large,
  unsupported_media_type,
  request_header_fields_too_large,
  validation_error,
  rate_limited,
  internal_error,
  service_unavailable,
};

// The machine name of a code, exactly as the contract spells it ("not_found").
const char* error_code_name(ErrorCode code);
// The HTTP status the contract assigns to a code.
int error_code_status(ErrorCode code);

struct FieldError {
  std::string field;
  std::string message;
};

struct Error {
  ErrorCode code = ErrorCode::internal_error;
  std::string detail;  // human-readable, safe to show a client
  std::string reason;  // optional extension member, e.g. "last_owner"
  std::vector<FieldError> fields;  // for validation_error
  // validation_error: how many more fields were wrong than `fields` lists (the
  // list is capped so that a hostile body cannot make a huge answer).
  size_t unlisted_fields = 0;

  static Error make(ErrorCode code, std::string detail, std::string reason = {}) {
    Error error;
    error.code = code;
    error.detail = std::move(detail);
    error.reason = std::move(reason);
    return error;
  }
  static Error validation(std::string field, std::string message) {
    Error error = make(ErrorCode::validation_error, "The request is not valid.");
    error.fields.push_back(FieldError{std::move(field), std::move(message)});
    return error;
  }
};

// A value or an Error. Deliberately small: ok(), value(), error(), and implicit
// construction from either side so functions can `return value;` or `return error;`.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const Error& error() const { return std::get<1>(state_); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> state_;
};

struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Ok{}; }

}  // namespace closient
