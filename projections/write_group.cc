#include "projections/write_group.h"

#include <atomic>
#include <exception>
#include <type_traits>

#include "domain/decide.h"
#include "domain/ids.h"
#include "events/append_rules.h"

namespace closient {
namespace {

// The core read model's user id by email (projections/DESIGN.md).

template <typename State>
const State* if_exists(const State* state) {
  return state != nullptr && state->exists() ? state : nullptr;
}

Actor actor_of(const CommandRequest& request) {
  return request.caller ? request.caller->actor() : operator_actor(request.operator_name);
}

Error could_not_apply() {
  return Error::make(ErrorCode::service_unavailable,
                     "The change could not be applied now; try again.");
}

bool is_org_stream(const std::string& stream) {
  return org_id_of_stream(stream).has_value();
}

}  // namespace

// ---- Staging ----

void WriteGroup::stage(QueuedCommand command) {
  const size_t index = staged_.size();
  staged_.push_back(Staged{});
  Staged& staged = staged_.back();
  staged.queued = std::move(command);
  try {
    assign_generated_fields(staged.queued.request.command, services_.random);
    staged.now_ms = services_.clock();
    staged.decision = decide_staged(staged);
    if (staged.deferred || !staged.decision.ok() || staged.decision->changes_nothing()) return;
    Status applied = apply_provisionally(staged, index);
    if (!applied.ok()) {
      staged.decision = applied.error();
      poison_touched(staged);
    }
  } catch (const std::exception&) {
    // Nothing a command carries may stop the writer; what it half-did is not trusted.
    staged.decision = Error::make(ErrorCode::internal_error, "The command could not be decided.");
    poison_touched(staged);
  }
}

Result<Decision> WriteGroup::decide_staged(Staged& staged) {
  const CommandRequest& request = staged.queued.request;
  const CommandTargets targets = targets_of(request.command);
  DecideContext context;
  context.caller = request.caller;
  context.by_operator = !request.caller.has_value();
  context.now_ms = staged.now_ms;

  if (!targets.org_id.empty()) {
    staged.org_stream = org_stream(targets.org_id);
    Result<const OrganizationState*> org = read<OrganizationState>(staged.org_stream, staged);
    if (!org.ok()) return org.error();
    context.org = if_exists(org.value());
  }
  if (request.caller && !request.caller->user_id.empty()) {
    staged.user_stream = user_stream(request.caller->user_id);
    Result<const UserState*> user = read<UserState>(staged.user_stream, staged);
    if (!user.ok()) return user.error();
    context.calling_user = if_exists(user.value());
  }
  std::string target_user_id = targets.target_user_id;
  if (target_user_id.empty() && !targets.email.empty()) target_user_id = user_owning(targets.email);
  if (!target_user_id.empty()) {
    staged.user_stream = user_stream(target_user_id);
    Result<const UserState*> user = read<UserState>(staged.user_stream, staged);
    if (!user.ok()) return user.error();
    context.target_user = if_exists(user.value());
  }
  if (staged.deferred) return could_not_apply();

  Result<Decision> decision = decide(context, request.command);
  if (decision.ok()) {
    // A user created by the command (invite of a new email, bootstrap) is the one it acted on.
    for (const StreamAppend& append : decision->appends) {
      if (append.expected.kind == ExpectedVersion::Kind::no_stream && !is_org_stream(append.stream))
        staged.user_stream = append.stream;
    }
  }
  return decision;
}

// Users created earlier in this group first: their UserCreated is not in the
// serving state until the group commits.
std::string WriteGroup::user_owning(const std::string& email) {
  if (auto reserved = reserved_emails_.find(email); reserved != reserved_emails_.end())
    return reserved->second;
  LiveState::View state = services_.state.read();
  const UserRecord* user = state->user_by_email(email);
  return user ? shortuuid_encode(user->id) : std::string();
}

template <typename State>
Result<const State*> WriteGroup::read(const std::string& stream, Staged& staged) {
  Result<Working<State>*> found = working<State>(stream, /*known_new=*/false);
  if (!found.ok()) return found.error();
  Working<State>& aggregate = *found.value();
  staged.touched.push_back(stream);
  if (poisoned_.count(stream) != 0) staged.deferred = true;
  if (!aggregate.writers.empty()) {
    staged.depends_on.insert(aggregate.writers.begin(), aggregate.writers.end());
    staged.provisional_reads.emplace_back(stream, aggregate.state->version);
  }
  return static_cast<const State*>(aggregate.state.get());
}

template <typename State>
Result<WriteGroup::Working<State>*> WriteGroup::working(const std::string& stream, bool known_new) {
  WorkingMap<State>& map = working_map<State>();
  if (auto found = map.find(stream); found != map.end()) return &found->second;
  std::shared_ptr<State> state;
  if (known_new) {
    // The log refuses the append if the stream exists after all (no_stream).
    state = std::make_shared<State>();
  } else {
    Result<std::shared_ptr<State>> loaded = services_.cache.take<State>(stream);
    if (!loaded.ok()) return loaded.error();
    state = std::move(loaded.value());
  }
  Working<State>& entry = map[stream];
  entry.state = std::move(state);
  return &entry;
}

Status WriteGroup::apply_provisionally(Staged& staged, size_t index) {
  const CommandRequest& request = staged.queued.request;
  AppendRequest append;
  append.streams = staged.decision->appends;
  append.actor = actor_of(request);
  append.request_id = request.request_id;
  append.occurred_at_ms = staged.now_ms;
  append.command_id = request.command_id;
  append.command_fingerprint = request.command_fingerprint;
  staged.wrote_provisionally = true;
  for (const StreamAppend& stream : append.streams) {
    staged.touched.push_back(stream.stream);
    Status evolved = is_org_stream(stream.stream)
                         ? evolve_provisionally<OrganizationState>(stream, append, index)
                         : evolve_provisionally<UserState>(stream, append, index);
    if (!evolved.ok()) return evolved;
  }
  guard_reads(staged, append);
  staged.append_index = requests_.size();
  requests_.push_back(std::move(append));
  return ok_status();
}

// Evolves a copy private to this group (see Working::private_copy) with the
// events as the log will store them, but for position and hashes, which evolve
// does not use.
template <typename State>
Status WriteGroup::evolve_provisionally(const StreamAppend& append, const AppendRequest& request,
                                        size_t index) {
  const bool known_new = append.expected.kind == ExpectedVersion::Kind::no_stream;
  Result<Working<State>*> found = working<State>(append.stream, known_new);
  if (!found.ok()) return found.error();
  Working<State>& aggregate = *found.value();
  if (!aggregate.private_copy) {
    // Answers of earlier groups may still be reading this state on other threads.
    if (aggregate.state.use_count() > 1) {
      aggregate.state = std::make_shared<State>(*aggregate.state);
    } else {
      // Their last reads happen before the release of their reference.
      std::atomic_thread_fence(std::memory_order_acquire);
    }
    aggregate.private_copy = true;
  }
  aggregate.writers.push_back(index);

  State& state = *aggregate.state;
  const bool existed = state.exists();
  for (const NewEvent& event : append.events) {
    EventEnvelope envelope;
    envelope.stream = append.stream;
    envelope.version = state.version + 1;
    envelope.type = event.type;
    envelope.schema = event.schema;
    envelope.occurred_at_ms = request.occurred_at_ms;
    envelope.actor = request.actor;
    envelope.request_id = request.request_id;
    envelope.data = event.data;
    Status applied = evolve_checked(state, envelope);
    if (!applied.ok()) {
      return Error::make(ErrorCode::internal_error,
                         "A decided event cannot be applied: " + applied.error().detail);
    }
  }
  if constexpr (std::is_same_v<State, UserState>) {
    if (!existed && state.exists()) reserved_emails_[state.email] = state.id;
  }
  return ok_status();
}

// Makes the log reject this append if a stream it read held events of an
// earlier command of the group that did not commit: the decision was made
// against a state that never existed.
void WriteGroup::guard_reads(const Staged& staged, AppendRequest& request) const {
  for (const auto& [stream, version] : staged.provisional_reads) {
    bool appended = false;
    for (const StreamAppend& s : request.streams) appended = appended || s.stream == stream;
    if (!appended) request.streams.push_back({stream, ExpectedVersion::exact(version), {}});
  }
}

void WriteGroup::poison_touched(const Staged& staged) {
  clean_ = false;
  poisoned_.insert(staged.touched.begin(), staged.touched.end());
  if (staged.decision.ok()) {
    for (const StreamAppend& append : staged.decision->appends) poisoned_.insert(append.stream);
  }
}

// ---- Commit and settle ----

SettledGroup WriteGroup::commit(EventLog& log) {
  SettledGroup settled;
  const size_t request_count = requests_.size();
  std::vector<Result<AppendResult>> results;
  if (request_count != 0) {
    settled.appended = true;
    results = log.append_all(std::move(requests_));
    if (results.size() != request_count) {
      results.assign(request_count,
                     Error::make(ErrorCode::internal_error,
                                 "The event log answered the wrong number of appends."));
    }
  }

  // Why each command did not take effect: its own error, or that of the earlier
  // command whose provisional events it read.
  std::vector<std::optional<Error>> failure(staged_.size());
  std::vector<bool> invalidated(staged_.size(), false);
  for (size_t i = 0; i < staged_.size(); ++i) {
    Staged& staged = staged_[i];
    for (size_t j : staged.depends_on) {
      if (failure[j]) {
        invalidated[i] = true;
        failure[i] = failure[j];
        break;
      }
    }
    const bool committed = staged.append_index && results[*staged.append_index].ok();
    if (staged.wrote_provisionally && !committed) {
      clean_ = false;
      if (!failure[i]) {
        failure[i] =
            staged.append_index ? results[*staged.append_index].error() : staged.decision.error();
      }
    }
  }
  if (!clean_) {
    // Forget every state the group touched; final_state re-reads what answers need.
    std::get<0>(working_).clear();
    std::get<1>(working_).clear();
  }

  for (size_t i = 0; i < staged_.size(); ++i) {
    Staged& staged = staged_[i];
    const AppendResult* appended = staged.append_index && results[*staged.append_index].ok()
                                       ? &results[*staged.append_index].value()
                                       : nullptr;
    const bool stale = staged.append_index && !appended &&
                       results[*staged.append_index].error().reason == kWrongExpectedVersionReason;
    const bool decide_again =
        staged.deferred || stale ||
        (invalidated[i] && failure[i]->code != ErrorCode::service_unavailable);
    if (appended) ++settled.committed;
    if (!appended && decide_again && staged.queued.attempts + 1 < services_.max_attempts) {
      ++staged.queued.attempts;
      settled.retries.push_back(std::move(staged.queued));
      continue;
    }
    Result<CommandOutcome> answer = could_not_apply();  // gave up deciding again
    if (appended) {
      answer = outcome_of(staged, appended);
    } else if (decide_again) {
      // keeps could_not_apply
    } else if (invalidated[i]) {
      answer = *failure[i];  // the write of the group failed
    } else if (staged.append_index) {
      answer = results[*staged.append_index].error();
    } else if (!staged.decision.ok()) {
      answer = staged.decision.error();
    } else {
      answer = outcome_of(staged, nullptr);  // changed nothing
    }
    settled.answers.emplace_back(std::move(staged.queued.done), std::move(answer));
  }
  return_states_to_cache();
  return settled;
}

Result<CommandOutcome> WriteGroup::outcome_of(Staged& staged, const AppendResult* appended) {
  CommandOutcome outcome;
  outcome.now_ms = staged.now_ms;
  outcome.last_position = appended ? appended->last_position() : 0;
  if (!staged.org_stream.empty()) {
    Result<std::shared_ptr<const OrganizationState>> org =
        final_state<OrganizationState>(staged.org_stream);
    if (!org.ok()) return org.error();
    outcome.org_after = std::move(org.value());
  }
  if (!staged.user_stream.empty()) {
    Result<std::shared_ptr<const UserState>> user = final_state<UserState>(staged.user_stream);
    if (!user.ok()) return user.error();
    outcome.user_after = std::move(user.value());
  }
  outcome.decision = std::move(staged.decision.value());
  return outcome;
}

template <typename State>
Result<std::shared_ptr<const State>> WriteGroup::final_state(const std::string& stream) {
  Result<Working<State>*> found = working<State>(stream, /*known_new=*/false);
  if (!found.ok()) return found.error();
  const std::shared_ptr<State>& state = found.value()->state;
  if (!state->exists()) return std::shared_ptr<const State>();
  return std::shared_ptr<const State>(state);
}

void WriteGroup::return_states_to_cache() {
  for (auto& [stream, aggregate] : std::get<0>(working_))
    services_.cache.put(stream, std::move(aggregate.state));
  for (auto& [stream, aggregate] : std::get<1>(working_))
    services_.cache.put(stream, std::move(aggregate.state));
  std::get<0>(working_).clear();
  std::get<1>(working_).clear();
}

}  // namespace closient
