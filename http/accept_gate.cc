#include "http/accept_gate.h"

#include <utility>

namespace closient::http {

AcceptGate::AcceptGate(std::size_t max_connections, std::function<bool()> descriptor_available)
    : max_connections_(max_connections == 0 ? 1 : max_connections),
      descriptor_available_(std::move(descriptor_available)) {}

void AcceptGate::attach(AcceptorHooks hooks) {
  std::lock_guard<std::mutex> lock(mutex_);
  hooks_ = std::move(hooks);
}

AcceptGate::Slot& AcceptGate::slot(std::size_t index) {
  if (index >= slots_.size()) slots_.resize(index + 1);
  return slots_[index];
}

std::size_t AcceptGate::armed_slots() const {
  std::size_t armed = 0;
  for (const Slot& s : slots_) armed += s.state == SlotState::armed ? 1 : 0;
  return armed;
}

bool AcceptGate::arm_if_allowed(std::size_t index) {
  Slot& s = slot(index);
  s.state = SlotState::idle;
  s.readable_ticks = 0;
  // An armed accept will become a connection: it counts against the cap already.
  if (open_connections_ + armed_slots() >= max_connections_) {
    s.state = SlotState::parked_at_cap;
    return false;
  }
  if (descriptor_available_ && !descriptor_available_()) {
    s.state = SlotState::parked_for_descriptor;
    ++descriptor_shortages_;
    return false;
  }
  s.state = SlotState::armed;
  return true;
}

void AcceptGate::accept_next(std::size_t index) {
  std::function<void(std::size_t)> accept_now;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return;
    // A slot in `retrying` whose accept completes after all is simply armed again;
    // the resume() posted for it then finds it armed and does nothing.
    if (!arm_if_allowed(index)) return;
    accept_now = hooks_.accept_now;
  }
  if (accept_now) accept_now(index);
}

void AcceptGate::resume(std::size_t index) {
  std::function<void(std::size_t)> accept_now;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_ || slot(index).state != SlotState::retrying) return;
    if (!arm_if_allowed(index)) return;
    accept_now = hooks_.accept_now;
  }
  if (accept_now) accept_now(index);
}

std::function<void()> AcceptGate::schedule_resume(std::size_t index) {
  Slot& s = slot(index);
  s.state = SlotState::retrying;
  s.readable_ticks = 0;
  return [self = shared_from_this(), index] { self->resume(index); };
}

void AcceptGate::connection_opened() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++open_connections_;
}

void AcceptGate::connection_closed() {
  std::function<void()> task;
  std::function<void(std::function<void()>)> post;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (open_connections_ > 0) --open_connections_;
    if (closed_ || open_connections_ + armed_slots() >= max_connections_) return;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].state != SlotState::parked_at_cap) continue;
      task = schedule_resume(i);
      post = hooks_.post;
      break;
    }
  }
  // Outside the lock, and on an I/O thread: connections close on any thread.
  if (post && task) post(std::move(task));
}

void AcceptGate::tick(bool connections_waiting) {
  std::vector<std::function<void()>> tasks;
  std::function<void(std::function<void()>)> post;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return;
    const bool room = open_connections_ + armed_slots() < max_connections_;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      Slot& s = slots_[i];
      bool retry = false;
      switch (s.state) {
        case SlotState::parked_for_descriptor:
          retry = true;
          break;
        case SlotState::parked_at_cap:
          retry = room;  // normally resumed by connection_closed(); this is the backstop
          break;
        case SlotState::armed:
          s.readable_ticks = connections_waiting ? s.readable_ticks + 1 : 0;
          if (s.readable_ticks >= kTicksBeforeRestart) {
            ++accepts_restarted_;
            retry = true;
          }
          break;
        case SlotState::idle:
        case SlotState::retrying:
          break;
      }
      if (retry) tasks.push_back(schedule_resume(i));
    }
    post = hooks_.post;
  }
  if (!post) return;
  for (auto& task : tasks) post(std::move(task));
}

void AcceptGate::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  closed_ = true;
}

AcceptGate::Counters AcceptGate::counters() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Counters counters;
  counters.open_connections = open_connections_;
  for (const Slot& s : slots_) {
    if (s.state == SlotState::parked_at_cap) ++counters.waiting_for_room;
    if (s.state == SlotState::parked_for_descriptor) ++counters.waiting_for_descriptor;
  }
  counters.descriptor_shortages = descriptor_shortages_;
  counters.accepts_restarted = accepts_restarted_;
  return counters;
}

}  // namespace closient::http
