#include "projections/write_pipeline.h"

#include <algorithm>
#include <exception>
#include <future>
#include <optional>
#include <utility>

#include "domain/ids.h"
#include "projections/aggregate_from_state.h"
#include "projections/write_group.h"

namespace closient {
namespace {

// A callback that throws must not take the writer (and every later command) down.
void answer(const CommandCallback& done, Result<CommandOutcome> result) {
  if (!done) return;
  try {
    done(std::move(result));
  } catch (...) {
  }
}

}  // namespace

WritePipeline::WritePipeline(EventLog& log, const LiveState& state, RandomSource& random,
                             Clock clock, WritePipelineOptions options)
    : log_(log),
      state_(state),
      random_(random),
      clock_(std::move(clock)),
      options_(options),
      cache_(log, options.max_cached_organizations, options.max_cached_users),
      queue_(options.max_queue_depth),
      writer_([this] { run_writer(); }) {}

WritePipeline::~WritePipeline() {
  stop();
}

void WritePipeline::submit(CommandRequest request, CommandCallback done) {
  QueuedCommand command{std::move(request), std::move(done), 0};
  switch (queue_.push(command)) {
    case CommandQueue::Push::queued:
      return;
    case CommandQueue::Push::closed:
      answer(command.done,
             Error::make(ErrorCode::service_unavailable, "The service is shutting down."));
      return;
    case CommandQueue::Push::full:
      answer(command.done, Error::make(ErrorCode::service_unavailable,
                                       "Too many changes are waiting; try again."));
      return;
  }
}

Result<CommandOutcome> WritePipeline::execute(CommandRequest request) {
  if (std::this_thread::get_id() == writer_.get_id()) {
    return Error::make(ErrorCode::internal_error,
                       "execute() called from a pipeline callback would wait forever.");
  }
  auto answered = std::make_shared<std::promise<Result<CommandOutcome>>>();
  std::future<Result<CommandOutcome>> result = answered->get_future();
  submit(std::move(request),
         [answered](Result<CommandOutcome> outcome) { answered->set_value(std::move(outcome)); });
  return result.get();
}

void WritePipeline::stop() {
  queue_.close();
  // From a callback the writer cannot wait for itself; it stops once drained.
  if (std::this_thread::get_id() == writer_.get_id()) return;
  std::lock_guard<std::mutex> lock(stop_mutex_);
  if (writer_.joinable()) writer_.join();
}

WritePipelineStats WritePipeline::stats() const {
  std::lock_guard<std::mutex> lock(stats_mutex_);
  WritePipelineStats stats = stats_;
  stats.queue_depth = queue_.depth();
  stats.cache = cache_stats_;
  return stats;
}

void WritePipeline::run_writer() {
  // Between groups the serving state holds every committed event (the log
  // applies a group before it answers, and begin_group brings in what other
  // processes committed), so an organization the cache lacks is built from it
  // rather than replayed. A state missing an event (apply_errors) is not used.
  cache_.set_organization_source([this](const std::string& stream) {
    std::shared_ptr<OrganizationState> none;
    std::optional<std::string> id = org_id_of_stream(stream);
    if (!id || state_.apply_errors() != 0) return none;
    std::optional<Uuid> uuid = shortuuid_decode(*id);
    if (!uuid) return none;
    LiveState::View view = state_.read();
    const OrgRecord* org = view->org(*uuid);
    // The serving state names ids in shortuuid form: a stream named otherwise
    // is replayed.
    if (org == nullptr || org->info.id != *id) return none;
    return organization_state_from(*view, *org);
  });
  for (;;) {
    std::vector<QueuedCommand> commands = queue_.take(options_.max_group_commands);
    if (commands.empty()) return;  // stopped, and everything queued is answered
    process_group(std::move(commands));
  }
}

void WritePipeline::process_group(std::vector<QueuedCommand> commands) {
  const size_t size = commands.size();
  // A log shared with other processes is held from here to the append, and
  // first brings the serving state up to its head: the group is decided
  // against exactly what is committed, whoever committed it.
  Result<std::vector<std::string>> held = log_.begin_group();
  if (!held.ok()) {
    record_group(size, false, 0, 0, size);
    for (QueuedCommand& command : commands) {
      answer(command.done, Error::make(ErrorCode::service_unavailable,
                                       "The event store cannot be reached; try again."));
    }
    return;
  }
  for (const std::string& stream : held.value()) cache_.refresh(stream);
  WriteGroupServices services{cache_, state_, random_, clock_, options_.max_attempts};
  SettledGroup settled;
  {
    WriteGroup group(services);
    for (QueuedCommand& command : commands) group.stage(std::move(command));
    settled = group.commit(log_);
  }
  if (!settled.appended) log_.end_group();
  const size_t retried = settled.retries.size();
  queue_.push_front(std::move(settled.retries));
  record_group(size, settled.appended, settled.committed, retried, settled.answers.size());
  for (auto& [done, result] : settled.answers) answer(done, std::move(result));
  // The answers (and the states they share) go before the next group starts,
  // so that group can usually evolve cached states without copying them.
}

void WritePipeline::record_group(size_t size, bool appended, uint64_t committed, size_t retried,
                                 size_t answered) {
  std::lock_guard<std::mutex> lock(stats_mutex_);
  stats_.commands += answered;
  stats_.committed_commands += committed;
  stats_.retried_commands += retried;
  stats_.groups += 1;
  stats_.group_size_sum += size;
  stats_.group_size_max = std::max<uint64_t>(stats_.group_size_max, size);
  if (appended) stats_.batches += 1;
  cache_stats_ = cache_.stats();
}

}  // namespace closient
