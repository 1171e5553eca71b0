// Test support for domain tests: a deterministic RandomSource and a tiny
// in-memory "world" that runs commands through decide, appends the decided
// events (checking expected versions like the real log does) and evolves the
// aggregates, so tests read like the API is being used.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "domain/caller.h"
#include "domain/commands.h"
#include "domain/decide.h"
#include "domain/event_types.h"
#include "domain/ids.h"
#include "domain/organization.h"
#include "domain/random_source.h"
#include "domain/user.h"
#include "domain/validation.h"

namespace closient {

// So Boost.Test can print domain values in failure messages.
inline std::ostream& operator<<(std::ostream& out, KeyKind kind) {
  return out << key_kind_name(kind);
}
inline std::ostream& operator<<(std::ostream& out, KeyRole role) {
  return out << key_role_name(role);
}
inline std::ostream& operator<<(std::ostream& out, Role role) {
  return out << role_name(role);
}
inline std::ostream& operator<<(std::ostream& out, ErrorCode code) {
  return out << error_code_name(code);
}
inline std::ostream& operator<<(std::ostream& out, TraitCategory category) {
  return out << trait_category_name(category);
}
inline std::ostream& operator<<(std::ostream& out, TraitStance stance) {
  return out << trait_stance_name(stance);
}
template <typename T>
std::ostream& operator<<(std::ostream& out, const std::optional<T>& value) {
  if (!value) return out << "(none)";
  return out << *value;
}

namespace testing {

// splitmix64: deterministic and well mixed, so generated ids never collide.
class FakeRandom final : public RandomSource {
 public:
  explicit FakeRandom(uint64_t seed = 1) : state_(seed) {}
  void fill(unsigned char* out, size_t n) override {
    for (size_t i = 0; i < n; ++i) {
      if (available_ == 0) {
        word_ = next();
        available_ = 8;
      }
      out[i] = static_cast<unsigned char>(word_);
      word_ >>= 8;
      --available_;
    }
  }
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
  uint64_t word_ = 0;
  int available_ = 0;
};

inline constexpr int64_t kMinute = 60 * 1000;
inline constexpr int64_t kDay = 24 * 60 * kMinute;

struct Person {
  std::string user_id;
  std::string email;
  Caller session;  // a fresh browser session
};

class World {
 public:
  FakeRandom random{7};
  int64_t now = 1'780'000'000'000;  // 2026-05-28
  std::map<std::string, OrganizationState> orgs;
  std::map<std::string, UserState> users;
  std::map<std::string, std::string> user_by_email;
  std::vector<EventEnvelope> log;

  // Decides without appending (for asserting on the Decision itself).
  Result<Decision> decide_as(const std::optional<Caller>& caller, Command command,
                             bool by_operator = false) {
    assign_generated_fields(command, random);
    DecideContext context;
    context.caller = caller;
    context.by_operator = by_operator;
    context.now_ms = now;
    const CommandTargets targets = targets_of(command);
    if (!targets.org_id.empty()) context.org = find(orgs, targets.org_id);
    if (caller) context.calling_user = find(users, caller->user_id);
    if (!targets.email.empty()) {
      auto it = user_by_email.find(targets.email);
      if (it != user_by_email.end()) context.target_user = find(users, it->second);
    } else if (!targets.target_user_id.empty()) {
      context.target_user = find(users, targets.target_user_id);
    }
    return decide(context, command);
  }

  // Decides and, when accepted, appends and evolves.
  Result<Decision> run(const Caller& caller, Command command) {
    return commit(decide_as(caller, std::move(command)), caller.actor());
  }
  Result<Decision> run_operator(Command command) {
    return commit(decide_as(std::nullopt, std::move(command), true), operator_actor("test"));
  }

  Result<Decision> commit(Result<Decision> decision, const Actor& actor) {
    if (!decision.ok()) return decision;
    for (const StreamAppend& append : decision->appends) {
      const uint64_t version = stream_version(append.stream);
      if (append.expected.kind == ExpectedVersion::Kind::no_stream && version != 0)
        return Error::make(ErrorCode::conflict, "stream exists: " + append.stream);
      if (append.expected.kind == ExpectedVersion::Kind::exact &&
          append.expected.version != version)
        return Error::make(ErrorCode::conflict, "version mismatch: " + append.stream);
    }
    for (const StreamAppend& append : decision->appends) {
      uint64_t version = stream_version(append.stream);
      for (const NewEvent& event : append.events) {
        EventEnvelope envelope;
        envelope.position = log.size() + 1;
        envelope.stream = append.stream;
        envelope.version = ++version;
        envelope.type = event.type;
        envelope.schema = event.schema;
        envelope.occurred_at_ms = now;
        envelope.actor = actor;
        // What a reader gets back is the stored JSON text, parsed again.
        envelope.data = nlohmann::json::parse(event.data.dump());
        apply(envelope);
        log.push_back(std::move(envelope));
      }
    }
    return decision;
  }

  void apply(const EventEnvelope& envelope) {
    if (auto org_id = org_id_of_stream(envelope.stream)) {
      Status status = evolve_checked(orgs[*org_id], envelope);
      if (!status.ok()) throw std::runtime_error(status.error().detail);
    } else if (auto user_id = user_id_of_stream(envelope.stream)) {
      UserState& user = users[*user_id];
      Status status = evolve_checked(user, envelope);
      if (!status.ok()) throw std::runtime_error(status.error().detail);
      if (envelope.type == UserCreated::kType) user_by_email[user.email] = user.id;
    }
  }

  uint64_t stream_version(const std::string& stream) const {
    if (auto org_id = org_id_of_stream(stream)) {
      auto it = orgs.find(*org_id);
      return it == orgs.end() ? 0 : it->second.version;
    }
    if (auto user_id = user_id_of_stream(stream)) {
      auto it = users.find(*user_id);
      return it == users.end() ? 0 : it->second.version;
    }
    return 0;
  }

  // ---- Conveniences ----

  std::string bootstrap_user(const std::string& email, const std::string& name = "") {
    BootstrapUser command;
    command.email = email;
    command.name = name;
    return must(run_operator(command)).entity_id;
  }

  Caller open_session(const std::string& user_id, std::optional<int64_t> authenticated_at = {}) {
    IssueSession command;
    command.user_id = user_id;
    command.authenticated_at_ms = authenticated_at;
    command.expires_at_ms = now + 30 * kDay;
    Decision decision = must(run_operator(command));
    return Caller::session(decision.entity_id, user_id, authenticated_at.value_or(now));
  }

  Caller issue_token(const std::string& user_id) {
    IssueToken command;
    command.user_id = user_id;
    command.expires_at_ms = now + 30 * kDay;
    return Caller::token(must(run_operator(command)).entity_id, user_id);
  }

  Person person(const std::string& email, const std::string& name = "") {
    const std::string user_id = bootstrap_user(email, name);
    return Person{user_id, email, open_session(user_id)};
  }

  std::string create_org(const Caller& caller, const std::string& name = "Acme") {
    CreateOrganization command;
    command.name = name;
    command.country = "US";
    return must(run(caller, command)).entity_id;
  }

  // Invites `email` with `role` and returns the membership id.
  std::string invite(const Caller& by, const std::string& org_id, const std::string& email,
                     Role role) {
    InviteMember command;
    command.org_id = org_id;
    command.email = email;
    command.role = role;
    return must(run(by, command)).entity_id;
  }

  // A new user who is a member of `org_id` with `role`, with a session.
  Person member(const Caller& owner, const std::string& org_id, const std::string& email,
                Role role) {
    invite(owner, org_id, email, role);
    const std::string user_id = user_by_email.at(email);
    return Person{user_id, email, open_session(user_id)};
  }

  std::string member_id_of(const std::string& org_id, const std::string& user_id) const {
    const Member* m = orgs.at(org_id).active_member_of(user_id);
    return m ? m->id : std::string();
  }

  Caller org_key(const Caller& by, const std::string& org_id, KeyKind kind, KeyRole role) {
    CreateOrgApiKey command;
    command.org_id = org_id;
    command.kind = kind;
    command.role = role;
    command.name = "key";
    Decision decision = must(run(by, command));
    const std::string creator = by.user_id;
    return kind == KeyKind::publishable
               ? Caller::publishable_key(decision.entity_id, org_id, creator, role)
               : Caller::business_key(decision.entity_id, org_id, creator, role);
  }

  Caller user_key(const Caller& by, KeyRole role) {
    CreateUserApiKey command;
    command.name = "mine";
    command.role = role;
    return Caller::user_key(must(run(by, command)).entity_id, by.user_id, role);
  }

  const OrganizationState& org(const std::string& id) const { return orgs.at(id); }

  static Decision must(Result<Decision> result) {
    if (!result.ok()) {
      throw std::runtime_error(std::string("unexpected ") + error_code_name(result.error().code) +
                               ": " + result.error().detail);
    }
    return std::move(result).value();
  }

 private:
  template <typename State>
  static const State* find(const std::map<std::string, State>& states, const std::string& id) {
    auto it = states.find(id);
    return it == states.end() ? nullptr : &it->second;
  }
};

// The error code of a result, or "ok".
template <typename T>
std::string outcome(const Result<T>& result) {
  return result.ok() ? "ok" : error_code_name(result.error().code);
}

}  // namespace testing
}  // namespace closient
