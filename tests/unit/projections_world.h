// Test support for projections/: the domain's in-memory World decides
// commands and keeps the aggregates; every accepted decision is also appended
// to a real RocksEventLog whose commit observer feeds a LiveState, exactly as
// in the server (one atomic append per command). Tests then query the serving
// state, or compare it with a full replay.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "domain/event_types.h"
#include "domain_world.h"
#include "events/rocks_event_log.h"
#include "events_test_support.h"
#include "projections/live_state.h"
#include "projections/replay.h"
#include "projections/snapshot.h"
#include "projections/snapshot_files.h"

namespace closient::testing {

// A credential together with the raw secret that authenticates it.
struct IssuedCredential {
  Caller caller;
  std::string raw;   // API key, bearer token or session cookie value
  std::string csrf;  // sessions only
};

inline std::unique_ptr<RocksEventLog> open_projected_log(const std::string& dir,
                                                         Durability durability) {
  LogOptions options;
  options.durability = durability;
  options.catalog = &domain_event_catalog();
  auto log = RocksEventLog::open(dir, options);
  if (!log.ok()) throw std::runtime_error("open: " + log.error().detail);
  return std::move(log).value();
}

// The serving state of `log` as a start makes it (snapshots of `dir`, then the
// log), observing every later commit.
inline std::unique_ptr<LiveState> open_live_state(RocksEventLog& log, const std::string& dir) {
  SnapshotFiles snapshots(dir);
  auto loaded = load_serving_state(log, snapshots, [](const std::string&) {});
  if (!loaded.ok()) throw std::runtime_error("load: " + loaded.error().detail);
  auto state = std::make_unique<LiveState>(std::move(loaded->state));
  log.set_commit_observer(state->observer());
  return state;
}

class ProjectedWorld {
  // Declared first: the log below is opened in its directory. Only made when the
  // caller names no directory (a killed child must not leave one behind).
  std::unique_ptr<TempDir> temp_;
  std::string dir_path_;
  Durability durability_;

 public:
  explicit ProjectedWorld(Durability durability = Durability::never,
                          const std::string& directory = "")
      : temp_(directory.empty() ? std::make_unique<TempDir>() : nullptr),
        dir_path_(directory.empty() ? temp_->sub("log") : directory),
        durability_(durability),
        log(open_projected_log(dir_path_, durability)),
        state(open_live_state(*log, dir_path_)) {}

  ~ProjectedWorld() {
    if (log) log->set_commit_observer(nullptr);
  }

  World world;
  std::unique_ptr<RocksEventLog> log;
  std::unique_ptr<LiveState> state;

  const std::string& dir() const { return dir_path_; }

  // Closes and opens the log again, and loads the serving state as a start would.
  void reopen() {
    log->set_commit_observer(nullptr);
    state.reset();
    log.reset();
    log = open_projected_log(dir_path_, durability_);
    state = open_live_state(*log, dir_path_);
  }

  Result<Decision> run(const Caller& caller, Command command) {
    return append(world.commit(world.decide_as(caller, std::move(command)), caller.actor()),
                  caller.actor());
  }
  Result<Decision> run_operator(Command command) {
    const Actor actor = operator_actor("test");
    return append(world.commit(world.decide_as(std::nullopt, std::move(command), true), actor),
                  actor);
  }

  // ---- Conveniences ----

  std::string bootstrap_user(const std::string& email, const std::string& name = "") {
    BootstrapUser command;
    command.email = email;
    command.name = name;
    return World::must(run_operator(command)).entity_id;
  }

  IssuedCredential open_session(const std::string& user_id, int64_t lifetime_ms = 30 * kDay) {
    IssueSession command;
    command.user_id = user_id;
    command.expires_at_ms = world.now + lifetime_ms;
    Decision d = World::must(run_operator(command));
    return {Caller::session(d.entity_id, user_id, world.now), d.secret, d.csrf_token};
  }

  IssuedCredential issue_token(const std::string& user_id, int64_t lifetime_ms = 30 * kDay) {
    IssueToken command;
    command.user_id = user_id;
    command.expires_at_ms = world.now + lifetime_ms;
    Decision d = World::must(run_operator(command));
    return {Caller::token(d.entity_id, user_id), d.secret, ""};
  }

  Person person(const std::string& email, const std::string& name = "") {
    const std::string user_id = bootstrap_user(email, name);
    return Person{user_id, email, open_session(user_id).caller};
  }

  std::string create_org(const Caller& caller, const std::string& name = "Acme") {
    CreateOrganization command;
    command.name = name;
    command.country = "US";
    return World::must(run(caller, command)).entity_id;
  }

  std::string invite(const Caller& by, const std::string& org_id, const std::string& email,
                     Role role) {
    InviteMember command;
    command.org_id = org_id;
    command.email = email;
    command.role = role;
    return World::must(run(by, command)).entity_id;
  }

  Person member(const Caller& owner, const std::string& org_id, const std::string& email,
                Role role) {
    invite(owner, org_id, email, role);
    const std::string user_id = world.user_by_email.at(email);
    return Person{user_id, email, open_session(user_id).caller};
  }

  IssuedCredential org_key(const Caller& by, const std::string& org_id, KeyKind kind, KeyRole role,
                           std::optional<int64_t> expires_at_ms = std::nullopt) {
    CreateOrgApiKey command;
    command.org_id = org_id;
    command.kind = kind;
    command.role = role;
    command.name = "key";
    command.expires_at_ms = expires_at_ms;
    Decision d = World::must(run(by, command));
    Caller caller = kind == KeyKind::publishable
                        ? Caller::publishable_key(d.entity_id, org_id, by.user_id, role)
                        : Caller::business_key(d.entity_id, org_id, by.user_id, role);
    return {caller, d.secret, ""};
  }

  IssuedCredential user_key(const Caller& by, KeyRole role) {
    CreateUserApiKey command;
    command.name = "mine";
    command.role = role;
    Decision d = World::must(run(by, command));
    return {Caller::user_key(d.entity_id, by.user_id, role), d.secret, ""};
  }

 private:
  Result<Decision> append(Result<Decision> decision, const Actor& actor) {
    if (!decision.ok()) return decision;
    AppendRequest request;
    for (const StreamAppend& stream : decision->appends) {
      if (!stream.events.empty()) request.streams.push_back(stream);
    }
    if (request.streams.empty()) return decision;
    request.actor = actor;
    request.request_id = "req-" + std::to_string(++requests_);
    request.occurred_at_ms = world.now;
    auto appended = log->append(std::move(request));
    if (!appended.ok()) throw std::runtime_error("append: " + appended.error().detail);
    return decision;
  }

  uint64_t requests_ = 0;
};

}  // namespace closient::testing
