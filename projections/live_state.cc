#include "projections/live_state.h"

#include "projections/replay.h"

namespace closient {

LiveState::LiveState(std::unique_ptr<ServingState> state) : state_(std::move(state)) {
  position_ = state_->position();
}

LiveState::View LiveState::read() const {
  std::shared_lock<WriterPreferringLock> lock(mutex_);
  return View(std::move(lock), state_.get());
}

void LiveState::apply(const std::vector<EventEnvelope>& events) {
  std::unique_lock<WriterPreferringLock> lock(mutex_);
  for (const EventEnvelope& event : events) {
    if (event.position <= state_->position()) continue;
    if (!state_->apply(event).ok()) apply_errors_.fetch_add(1);
  }
  position_.store(state_->position(), std::memory_order_release);
}

CommitObserver LiveState::observer() {
  return [this](const std::vector<EventEnvelope>& committed) { apply(committed); };
}

Status LiveState::switch_to(std::unique_ptr<ServingState> fresh, EventLog& log) {
  // Most of the catching up happens before taking the lock, so readers and
  // the writer are held only for the last few events.
  Result<ReplayReport> outside = replay_log(log, *fresh);
  if (!outside.ok()) return outside.error();
  std::unique_lock<WriterPreferringLock> lock(mutex_);
  Result<ReplayReport> inside = replay_log(log, *fresh);
  if (!inside.ok()) return inside.error();
  if (fresh->position() < state_->position()) {
    return Error::make(ErrorCode::internal_error, "the rebuilt state is behind the live one");
  }
  apply_errors_ = outside->apply_errors + inside->apply_errors;
  std::unique_ptr<ServingState> old = std::move(state_);
  state_ = std::move(fresh);
  position_.store(state_->position(), std::memory_order_release);
  lock.unlock();
  old.reset();  // freeing a large state takes a while: not under the lock
  return ok_status();
}

}  // namespace closient
