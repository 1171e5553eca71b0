// One group of the write pipeline: the commands the writer took from its queue
// at once. Each is decided in order against the committed states plus the
// provisional events of the commands decided before it, then all their appends
// go to the log in one call (one batch, one sync), then each is settled:
// answered, or handed back to be decided again in the next group.
//
// Why a command may be decided again: if an earlier command of the group fails
// to commit (its append was rejected), the state a later command was decided
// against never existed. Its own append is rejected by the log too (every
// append names the version it saw of each stream it read, see guard_reads), and
// a command that appended nothing (a refusal, a no-op) cannot be trusted
// either; both go round once more against the true state. A failed write is
// different: the disk is failing, so the whole group answers service_unavailable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/random_source.h"
#include "events/event_log.h"
#include "projections/aggregate_cache.h"
#include "projections/live_state.h"
#include "projections/write_command.h"
#include "projections/write_queue.h"

namespace closient {

struct WriteGroupServices {
  AggregateCache& cache;
  const LiveState& state;  // email → user id, for committed users
  RandomSource& random;
  const std::function<int64_t()>& clock;
  int max_attempts;  // groups a command may be decided in before it gives up
};

struct SettledGroup {
  // In command order; call each callback with its answer.
  std::vector<std::pair<CommandCallback, Result<CommandOutcome>>> answers;
  std::vector<QueuedCommand> retries;  // to decide again, ahead of the queue
  bool appended = false;               // whether the group called append_all
  uint64_t committed = 0;              // commands whose events are in the log
};

class WriteGroup {
 public:
  explicit WriteGroup(const WriteGroupServices& services) : services_(services) {}
  WriteGroup(const WriteGroup&) = delete;
  WriteGroup& operator=(const WriteGroup&) = delete;

  // Decides `command` (after filling its generated fields) and, if it appends,
  // evolves the group's states with its events for the commands after it.
  void stage(QueuedCommand command);
  // Appends every decided change in one append_all and settles each command.
  // The cache gets the group's states back only if everything staged committed;
  // otherwise every state the group touched is forgotten and re-read from the
  // log when next needed, so no state the log does not hold is ever served.
  SettledGroup commit(EventLog& log);

 private:
  // An aggregate as this group sees it.
  template <typename State>
  struct Working {
    std::shared_ptr<State> state;
    bool private_copy = false;    // safe to evolve: no answer of an earlier group shares it
    std::vector<size_t> writers;  // staged commands whose events it holds
  };
  template <typename State>
  using WorkingMap = std::unordered_map<std::string, Working<State>>;

  struct Staged {
    QueuedCommand queued;
    int64_t now_ms = 0;
    Result<Decision> decision = Error{};
    std::set<size_t> depends_on;  // earlier commands whose provisional events it read
    // Streams read while they held provisional events, with the version seen.
    std::vector<std::pair<std::string, uint64_t>> provisional_reads;
    std::vector<std::string> touched;  // every stream read or written
    std::string org_stream;            // the outcome's organization ("" = none)
    std::string user_stream;           // the outcome's user ("" = none)
    std::optional<size_t> append_index;
    bool wrote_provisionally = false;  // the group's states hold its events
    bool deferred = false;             // read a state the group could not keep
  };

  Result<Decision> decide_staged(Staged& staged);
  Status apply_provisionally(Staged& staged, size_t index);
  void guard_reads(const Staged& staged, AppendRequest& request) const;
  void poison_touched(const Staged& staged);
  std::string user_owning(const std::string& email);

  template <typename State>
  Result<const State*> read(const std::string& stream, Staged& staged);
  template <typename State>
  Status evolve_provisionally(const StreamAppend& append, const AppendRequest& request,
                              size_t index);
  template <typename State>
  Result<Working<State>*> working(const std::string& stream, bool known_new);
  template <typename State>
  Result<std::shared_ptr<const State>> final_state(const std::string& stream);
  template <typename State>
  WorkingMap<State>& working_map() {
    return std::get<WorkingMap<State>>(working_);
  }

  Result<CommandOutcome> outcome_of(Staged& staged, const AppendResult* appended);
  void return_states_to_cache();

  const WriteGroupServices& services_;
  std::tuple<WorkingMap<OrganizationState>, WorkingMap<UserState>> working_;
  std::unordered_map<std::string, std::string> reserved_emails_;  // created here: email → user id
  std::set<std::string> poisoned_;  // streams whose provisional state cannot be trusted
  bool clean_ = true;               // everything staged so far may still commit
  std::vector<Staged> staged_;
  std::vector<AppendRequest> requests_;
};

}  // namespace closient
