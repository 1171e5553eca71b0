// accountctl events and as-of: the history an auditor reads, its filters, the
// live tail, and the state of an organization at a past moment, checked
// against a replay done by hand with the domain's own evolve.
#include <csignal>
#include <thread>

#include "accountctl_support.h"
#include "domain/ids.h"
#include "domain/openssl_random.h"
#include "domain/organization.h"
#include "domain/views.h"
#include "events/rocks_event_log.h"
#include "events/timestamp.h"
#include "projections/live_state.h"
#include "projections/replay.h"
#include "projections/write_pipeline.h"

using namespace accountctl_test;
using closient::Caller;

namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Membership changes the operator tool cannot make, made the way the server
// makes them: domain commands through the write pipeline, as the owner.
class OwnerActions {
 public:
  OwnerActions(const std::string& dir, const std::string& owner_id) : owner_id_(owner_id) {
    auto log = closient::RocksEventLog::open(dir);
    BOOST_REQUIRE_MESSAGE(log.ok(), (log.ok() ? "" : log.error().detail));
    log_ = std::move(log).value();
    auto loaded = std::make_unique<closient::ServingState>();
    BOOST_REQUIRE(closient::replay_log(*log_, *loaded).ok());
    state_ = std::make_unique<closient::LiveState>(std::move(loaded));
    log_->set_commit_observer(state_->observer());
    pipeline_ = std::make_unique<closient::WritePipeline>(*log_, *state_, random_, now_ms);
    closient::IssueToken token;
    token.user_id = owner_id;
    token.expires_at_ms = now_ms() + 600000;
    caller_ = Caller::token(run(token, std::nullopt).decision.entity_id, owner_id);
  }
  ~OwnerActions() {
    pipeline_->stop();
    log_->set_commit_observer(nullptr);
  }

  closient::CommandOutcome run(closient::Command command, std::optional<Caller> caller) {
    closient::CommandRequest request{std::move(command), std::move(caller), "test", "history"};
    auto outcome = pipeline_->execute(std::move(request));
    BOOST_REQUIRE_MESSAGE(outcome.ok(), (outcome.ok() ? "" : outcome.error().detail));
    return std::move(outcome).value();
  }

  // Returns the member id and the position of the last event appended.
  std::pair<std::string, uint64_t> invite(const std::string& org_id, const std::string& email,
                                          closient::Role role) {
    closient::InviteMember invite;
    invite.org_id = org_id;
    invite.email = email;
    invite.role = role;
    closient::CommandOutcome outcome = run(invite, caller_);
    return {outcome.decision.entity_id, outcome.last_position};
  }
  uint64_t change_role(const std::string& org_id, const std::string& member_id,
                       closient::Role role) {
    closient::ChangeMemberRole change;
    change.org_id = org_id;
    change.member_id = member_id;
    change.role = role;
    return run(change, caller_).last_position;
  }
  uint64_t remove(const std::string& org_id, const std::string& member_id) {
    closient::RemoveMember remove;
    remove.org_id = org_id;
    remove.member_id = member_id;
    return run(remove, caller_).last_position;
  }

 private:
  std::string owner_id_;
  closient::OpenSslRandom random_;
  std::unique_ptr<closient::RocksEventLog> log_;
  std::unique_ptr<closient::LiveState> state_;
  std::unique_ptr<closient::WritePipeline> pipeline_;
  Caller caller_;
};

// The members of an organization after every event at or before `position`,
// replayed here from the log with the domain's evolve.
nlohmann::json members_replayed_by_hand(const std::string& dir, const std::string& org_id,
                                        uint64_t position) {
  closient::LogOptions options;
  options.mode = closient::OpenMode::read_only;
  auto log = closient::RocksEventLog::open(dir, options);
  BOOST_REQUIRE(log.ok());
  auto events = (*log)->read_stream(closient::org_stream(org_id));
  BOOST_REQUIRE(events.ok());
  closient::OrganizationState org;
  for (const auto& event : *events) {
    if (event.position <= position) closient::evolve(org, event);
  }
  nlohmann::json members = nlohmann::json::array();
  for (const auto& member : org.members) {
    if (!member.removed) members.push_back(closient::member_view(member));
  }
  return members;
}

std::vector<std::string> emails_and_roles(const nlohmann::json& members) {
  std::vector<std::string> out;
  for (const auto& member : members) {
    out.push_back(member.at("user_email").get<std::string>() + ":" +
                  member.at("role").get<std::string>());
  }
  return out;
}

std::vector<uint64_t> positions(const std::vector<nlohmann::json>& events) {
  std::vector<uint64_t> out;
  for (const auto& event : events) out.push_back(event.at("position"));
  return out;
}

// Two bootstrapped users with an organization each, a token and a session.
struct History {
  TempDir dir;
  Bootstrapped ann, bob;
  std::vector<nlohmann::json> events;

  History() {
    ann = bootstrap(dir.str(), "ann@example.com", "Acme", "DE");
    bob = bootstrap(dir.str(), "bob@example.com", "Bobco", "FR");
    ok(dir.str(), {"token", "issue", "--email", "ann@example.com"});
    ok(dir.str(), {"session", "issue", "--email", "bob@example.com"});
    events = json_lines(ok(dir.str(), {"events", "--json"}));
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(events_are_json_lines_oldest_first_with_the_whole_envelope) {
  History h;
  BOOST_REQUIRE(h.events.size() == 14u);
  for (size_t i = 0; i < h.events.size(); ++i) {
    const nlohmann::json& event = h.events[i];
    BOOST_TEST(event.at("position") == i + 1);
    for (const char* field : {"stream", "version", "type", "schema", "occurred_at", "actor",
                              "request_id", "data", "prev_hash", "hash"}) {
      BOOST_TEST(event.contains(field), field);
    }
    BOOST_TEST(event.at("actor").contains("kind"));
  }
  // People get one line per event too.
  const std::string text = ok(h.dir.str(), {"events"});
  BOOST_TEST(std::count(text.begin(), text.end(), '\n') == 14);
  BOOST_TEST(text.find("OrganizationCreated") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(events_filter_by_type_stream_org_user_actor_and_position) {
  History h;
  const std::string dir = h.dir.str();
  auto select = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"events", "--json"});
    return json_lines(ok(dir, args));
  };

  auto created = select({"--type", "OrganizationCreated"});
  BOOST_TEST(created.size() == 2u);
  for (const auto& event : created) BOOST_TEST(event.at("type") == "OrganizationCreated");
  BOOST_TEST(select({"--type", "TokenIssued,SessionIssued"}).size() == 4u);
  BOOST_TEST(select({"--type", "TokenIssued", "--type", "SessionIssued"}).size() == 4u);

  auto ann_user = select({"--stream", "user-" + h.ann.user_id});
  BOOST_TEST(ann_user.size() == 5u);  // created, token, key, revoked, token
  for (const auto& event : ann_user) BOOST_TEST(event.at("stream") == "user-" + h.ann.user_id);
  BOOST_TEST(select({"--user", h.ann.user_id}).size() == 5u);
  BOOST_TEST(select({"--stream", "org-*"}).size() == 4u);
  auto orgs = select({"--org", h.ann.organization_id, "--org", h.bob.organization_id});
  BOOST_TEST(orgs.size() == 4u);
  BOOST_TEST(select({"--org", h.bob.organization_id, "--type", "MemberAdded"}).size() == 1u);

  auto by_bob = select({"--actor", h.bob.user_id});
  BOOST_TEST(by_bob.size() == 3u);  // org created, owner added, key created: through bob's token

  auto after = select({"--after", "10"});
  BOOST_TEST(positions(after) == (std::vector<uint64_t>{11, 12, 13, 14}),
             boost::test_tools::per_element());
  auto limited = select({"--after", "3", "--limit", "2"});
  BOOST_TEST(positions(limited) == (std::vector<uint64_t>{4, 5}), boost::test_tools::per_element());
  auto limited_type = select({"--type", "UserCreated", "--limit", "1"});
  BOOST_TEST(positions(limited_type) == (std::vector<uint64_t>{1}),
             boost::test_tools::per_element());

  // Times are inclusive at both ends.
  const std::string seventh = h.events[6].at("occurred_at");
  auto since = select({"--since", seventh});
  BOOST_TEST(!since.empty());
  for (const auto& event : since) BOOST_TEST(event.at("position").get<uint64_t>() >= 7u);
  auto until = select({"--until", seventh});
  for (const auto& event : until) BOOST_TEST(event.at("position").get<uint64_t>() <= 12u);
  BOOST_TEST(until.back().at("occurred_at") <= seventh);
  BOOST_TEST(select({"--since", "2999-01-01T00:00:00Z"}).empty());
}

BOOST_AUTO_TEST_CASE(as_of_equals_the_state_replayed_by_hand) {
  TempDir dir;
  Bootstrapped ann = bootstrap(dir.str(), "ann@example.com");
  const std::string org = ann.organization_id;
  uint64_t with_bob = 0, with_carol = 0, bob_promoted = 0, carol_gone = 0;
  std::string bob_member, carol_member;
  {
    OwnerActions owner(dir.str(), ann.user_id);
    std::tie(bob_member, with_bob) = owner.invite(org, "bob@example.com", closient::Role::editor);
    std::tie(carol_member, with_carol) =
        owner.invite(org, "carol@example.com", closient::Role::manager);
    bob_promoted = owner.change_role(org, bob_member, closient::Role::manager);
    carol_gone = owner.remove(org, carol_member);
  }

  const std::vector<std::pair<uint64_t, std::vector<std::string>>> expected = {
      {with_bob, {"ann@example.com:owner", "bob@example.com:editor"}},
      {with_carol,
       {"ann@example.com:owner", "bob@example.com:editor", "carol@example.com:manager"}},
      {bob_promoted,
       {"ann@example.com:owner", "bob@example.com:manager", "carol@example.com:manager"}},
      {carol_gone, {"ann@example.com:owner", "bob@example.com:manager"}},
  };
  for (const auto& [position, members] : expected) {
    BOOST_TEST_CONTEXT("position " << position) {
      nlohmann::json as_of =
          ok_json(dir.str(), {"as-of", "--org", org, "--position", std::to_string(position)});
      BOOST_TEST(as_of.at("members") == members_replayed_by_hand(dir.str(), org, position));
      BOOST_TEST(emails_and_roles(as_of.at("members")) == members,
                 boost::test_tools::per_element());
      BOOST_TEST(as_of.at("organization").at("id") == org);
      BOOST_TEST(as_of.at("as_of").at("position") == position);
    }
  }
  // The canonical UUID form names the same organization.
  const std::string uuid = closient::format_canonical_uuid(*closient::shortuuid_decode(org));
  BOOST_TEST(ok_json(dir.str(), {"as-of", "--org", uuid, "--position", std::to_string(with_bob)})
                 .at("members")
                 .size() == 2u);

  // By time: the moment carol was removed, and a moment long after.
  std::vector<nlohmann::json> removal =
      json_lines(ok(dir.str(), {"events", "--json", "--type", "MemberRemoved"}));
  BOOST_REQUIRE(removal.size() == 1u);
  nlohmann::json at_removal =
      ok_json(dir.str(), {"as-of", "--org", org, "--time", removal[0].at("occurred_at")});
  BOOST_TEST(at_removal.at("members") == members_replayed_by_hand(dir.str(), org, carol_gone));

  // Before the organization existed there is nothing to show.
  RunResult before = accountctl({"--data", dir.str(), "as-of", "--org", org, "--position", "1"});
  BOOST_TEST(before.exit_code == 1);
  BOOST_TEST(before.err.find("did not exist yet") != std::string::npos, before.err);
  RunResult unknown = accountctl(
      {"--data", dir.str(), "as-of", "--org", "2222222222222222222222", "--position", "5"});
  BOOST_TEST(unknown.exit_code == 1);
}

BOOST_AUTO_TEST_CASE(follow_prints_new_events_until_interrupted) {
  TempDir dir;
  bootstrap(dir.str(), "ann@example.com");
  Child follower(ACCOUNTCTL_PATH, {"--data", dir.str(), "events", "--json", "--follow", "--type",
                                   "TokenIssued,TokenRevoked"});
  auto lines_at_least = [](size_t n) {
    return [n](const std::string& out) {
      return static_cast<size_t>(std::count(out.begin(), out.end(), '\n')) >= n;
    };
  };
  BOOST_REQUIRE(follower.read_until(lines_at_least(2), std::chrono::seconds(10)));

  // A write by another process while the follower tails the log.
  ok(dir.str(), {"token", "issue", "--email", "ann@example.com"});
  BOOST_REQUIRE(follower.read_until(lines_at_least(3), std::chrono::seconds(10)));

  follower.signal(SIGINT);
  RunResult result = follower.finish(std::chrono::seconds(10));
  BOOST_TEST(result.exit_code == 0, result.err);
  std::vector<nlohmann::json> events = json_lines(result.out);
  BOOST_REQUIRE(events.size() == 3u);
  BOOST_TEST(events[2].at("type") == "TokenIssued");
  BOOST_TEST(events[2].at("position") == 7);
}
