// Test support for the write pipeline: a RocksEventLog in a scratch directory
// with the core projector installed, a pipeline on it with a deterministic
// random source and a clock the test controls, and short ways to run the
// commands the tests need.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "domain/ids.h"
#include "domain_world.h"
#include "events/rocks_event_log.h"
#include "events_test_support.h"
#include "projections/live_state.h"
#include "projections/write_pipeline.h"

namespace closient::testing {

inline LogOptions fast_log() {
  LogOptions options;
  options.durability = Durability::never;
  return options;
}

// Collects asynchronous answers so the test thread can wait for them.
class Answers {
 public:
  CommandCallback slot(size_t index) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (results_.size() <= index) results_.resize(index + 1);
    }
    return [this, index](Result<CommandOutcome> result) {
      std::lock_guard<std::mutex> lock(mutex_);
      results_[index] = std::make_shared<Result<CommandOutcome>>(std::move(result));
      ++answered_;
      changed_.notify_all();
    };
  }
  void wait_for(size_t count) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return answered_ >= count; });
  }
  const Result<CommandOutcome>& operator[](size_t index) {
    std::lock_guard<std::mutex> lock(mutex_);
    return *results_.at(index);
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::shared_ptr<Result<CommandOutcome>>> results_;
  size_t answered_ = 0;
};

class PipelineHarness {
 public:
  explicit PipelineHarness(LogOptions options = fast_log()) {
    auto opened = RocksEventLog::open(dir.str(), std::move(options));
    if (!opened.ok()) throw std::runtime_error("cannot open the log: " + opened.error().detail);
    log = std::move(opened.value());
    state = std::make_unique<LiveState>();
    log->set_commit_observer(state->observer());
    start_pipeline();
  }
  ~PipelineHarness() {
    release();
    pipeline.reset();  // before the log it writes to
    log->set_commit_observer(nullptr);
  }

  // The id of the user owning `email` in the serving state ("" when none).
  std::string user_with_email(const std::string& email) {
    LiveState::View view = state->read();
    const UserRecord* user = view->user_by_email(email);
    return user ? shortuuid_encode(user->id) : std::string();
  }

  void start_pipeline(WritePipelineOptions options = {}) {
    pipeline.reset();
    pipeline = std::make_unique<WritePipeline>(
        *log, *state, random, [this] { return clock(); }, options);
  }

  // ---- The clock, which can hold the writer still ----

  // The next command the writer decides waits in clock() until release(), so
  // everything submitted meanwhile queues up and forms the next group.
  void hold() {
    std::lock_guard<std::mutex> lock(mutex_);
    holding_ = true;
    held_ = false;
  }
  void wait_until_held() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return held_; });
  }
  void release() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      holding_ = false;
    }
    changed_.notify_all();
  }
  void wait_for_queue_depth(uint64_t depth) {
    while (pipeline->stats().queue_depth < depth) std::this_thread::yield();
  }

  int64_t clock() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (holding_) {
      held_ = true;
      changed_.notify_all();
      changed_.wait(lock, [&] { return !holding_; });
    }
    return now.load();
  }

  // ---- Commands ----

  Result<CommandOutcome> run(const Person& who, Command command, std::string request_id = "req") {
    return pipeline->execute(CommandRequest{std::move(command), who.session, "", request_id});
  }
  Result<CommandOutcome> run_operator(Command command) {
    return pipeline->execute(CommandRequest{std::move(command), std::nullopt, "ops", "op-req"});
  }

  // A user with a fresh session, for an email no one owns yet.
  Person bootstrap(const std::string& email) {
    BootstrapUser create;
    create.email = email;
    create.name = "User " + email;
    auto created = run_operator(create);
    if (!created.ok()) throw std::runtime_error("bootstrap: " + created.error().detail);
    return sign_in(created->decision.entity_id, email);
  }

  // A fresh session for an existing user.
  Person sign_in(const std::string& user_id, const std::string& email) {
    IssueSession issue;
    issue.user_id = user_id;
    issue.expires_at_ms = now + kDay;
    auto issued = run_operator(issue);
    if (!issued.ok()) throw std::runtime_error("session: " + issued.error().detail);
    return Person{user_id, email, Caller::session(issued->decision.entity_id, user_id, now)};
  }

  std::string create_org(const Person& owner, const std::string& name = "Acme") {
    CreateOrganization create;
    create.name = name;
    create.country = "DE";
    auto created = run(owner, create);
    if (!created.ok()) throw std::runtime_error("create org: " + created.error().detail);
    return created->decision.entity_id;
  }

  static InviteMember invitation(const std::string& org_id, const std::string& email, Role role) {
    InviteMember invite;
    invite.org_id = org_id;
    invite.email = email;
    invite.role = role;
    return invite;
  }
  static ChangeMemberRole role_change(const std::string& org_id, const std::string& member_id,
                                      Role role) {
    ChangeMemberRole change;
    change.org_id = org_id;
    change.member_id = member_id;
    change.role = role;
    return change;
  }

  // ---- Reading the log ----

  std::vector<EventEnvelope> stream(const std::string& name) {
    auto events = log->read_stream(name);
    if (!events.ok()) throw std::runtime_error("read_stream: " + events.error().detail);
    return events.value();
  }

  OrganizationState replay_org(const std::string& org_id) {
    OrganizationState state;
    for (const EventEnvelope& event : stream(org_stream(org_id))) evolve(state, event);
    return state;
  }

  size_t users_created_with(const std::string& email) {
    size_t count = 0;
    ReadFilter filter;
    filter.types = {"UserCreated"};
    Status scanned = log->scan(filter, [&](const EventEnvelope& event) {
      if (event.data.value("email", "") == email) ++count;
      return true;
    });
    if (!scanned.ok()) throw std::runtime_error("scan: " + scanned.error().detail);
    return count;
  }

  TempDir dir;                                  // first in, last out: the log lives in it
  std::atomic<int64_t> now{1'780'000'000'000};  // 2026-05-28
  FakeRandom random{11};
  std::unique_ptr<RocksEventLog> log;
  std::unique_ptr<LiveState> state;
  std::unique_ptr<WritePipeline> pipeline;

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool holding_ = false;
  bool held_ = false;
};

}  // namespace closient::testing
