#include "http/request_context.h"

#include "http/problem.h"

namespace closient::http {

void ExchangeNotes::set_credential_id(std::string id) {
  std::lock_guard<std::mutex> lock(mutex_);
  credential_id_ = std::move(id);
}

std::string ExchangeNotes::credential_id() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return credential_id_;
}

Response RequestContext::problem(const Error& error,
                                 std::optional<int64_t> retry_after_seconds) const {
  return problem_response(error, ProblemContext{request.path, request_id, clock()},
                          retry_after_seconds);
}

void RequestContext::note_credential(std::string credential_id) const {
  notes->set_credential_id(std::move(credential_id));
}

}  // namespace closient::http
