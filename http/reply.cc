#include "http/reply.h"

#include <atomic>
#include <utility>

namespace closient::http {

struct Reply::State {
  Sink sink;
  Fallback fallback;
  std::atomic<bool> sent{false};

  ~State() {
    if (sent.load() || !fallback || !sink) return;
    // A destructor must not throw; a failing fallback leaves the connection to
    // RESTinio's own request timeout.
    try {
      sink(fallback());
    } catch (...) {
    }
  }
};

Reply::Reply(Sink sink, Fallback fallback) : state_(std::make_shared<State>()) {
  state_->sink = std::move(sink);
  state_->fallback = std::move(fallback);
}

void Reply::send(Response response) const {
  if (state_->sent.exchange(true)) return;
  if (state_->sink) state_->sink(std::move(response));
}

bool Reply::sent() const {
  return state_->sent.load();
}

Reply Reply::with_headers(Headers headers) const {
  // No fallback of its own: when this wrapper is abandoned, dropping the captured
  // inner reply lets the inner fallback answer.
  return Reply([inner = *this, headers = std::move(headers)](Response response) {
    response.headers.set_all(headers);
    inner.send(std::move(response));
  });
}

}  // namespace closient::http
