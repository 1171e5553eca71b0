// How a handler answers: one Response, sent once, from any thread, now or later.
//
// A Reply is a cheap, copyable handle. Reads answer it on the I/O thread before
// returning; writes carry it through the writer queue and answer it after the fsync.
// The first send() wins and later ones are ignored, so racing paths (a timeout and a
// late result, say) cannot answer twice. If every copy is dropped without an answer
// the fallback response is sent instead: a forgotten reply becomes a 500, never a
// hung connection.
#pragma once

#include <functional>
#include <memory>

#include "http/headers.h"
#include "http/response.h"

namespace closient::http {

class Reply {
 public:
  using Sink = std::function<void(Response)>;
  using Fallback = std::function<Response()>;

  // `sink` receives the one response. `fallback` builds the answer used when the
  // reply is abandoned; without one, an abandoned reply sends nothing.
  explicit Reply(Sink sink, Fallback fallback = {});

  void send(Response response) const;
  bool sent() const;

  // A reply that sets `headers` on whatever is sent through it (rate-limit headers,
  // for instance, which belong on every answer to an authenticated request).
  Reply with_headers(Headers headers) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace closient::http
