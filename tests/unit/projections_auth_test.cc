// Authentication from raw credentials, and last_used tracking of keys.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <thread>

#include "events/timestamp.h"
#include "projections/authenticator.h"
#include "projections/key_usage_tracker.h"
#include "projections/queries.h"
#include "projections_world.h"

using namespace closient;
using namespace closient::testing;

namespace closient {
inline std::ostream& operator<<(std::ostream& out, CredentialKind kind) {
  return out << credential_kind_name(kind);
}
}  // namespace closient

namespace {

struct Keys {
  ProjectedWorld w;
  Authenticator auth{*w.state};
  AccountQueries queries{*w.state, *w.log};
  Person ann = w.person("ann@example.com");
  std::string org = w.create_org(ann.session);
  IssuedCredential csb = w.org_key(ann.session, org, KeyKind::business, KeyRole::manager);

  int64_t now() const { return w.world.now; }
  std::string outcome_of(const std::string& raw) {
    return outcome(auth.authenticate_api_key(raw, now()));
  }
};

std::string with_bad_checksum(std::string raw) {
  raw.back() = raw.back() == '0' ? '1' : '0';
  return raw;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_keys)

BOOST_FIXTURE_TEST_CASE(a_good_key_names_its_caller_and_limits, Keys) {
  CreateOrgApiKey command;
  command.org_id = org;
  command.name = "limited";
  command.role = KeyRole::editor;
  command.rate_limit_per_minute = 120;
  command.rate_limit_per_day = 5000;
  Decision created = World::must(w.run(ann.session, command));

  auto got = auth.authenticate_api_key(created.secret, now());
  BOOST_REQUIRE(got.ok());
  BOOST_TEST(got->caller.kind == CredentialKind::business_key);
  BOOST_TEST(got->caller.credential_id == created.entity_id);
  BOOST_TEST(got->caller.key_org_id == org);
  BOOST_TEST(got->caller.user_id == ann.user_id);  // the creator
  BOOST_TEST((got->caller.key_role == KeyRole::editor));
  BOOST_TEST(got->rate_limit_per_minute == 120);
  BOOST_TEST(got->rate_limit_per_day == 5000);
  BOOST_TEST(!got->csrf_matched);

  auto through = auth.authenticate(PresentedCredential{csb.raw, {}, {}, {}}, now());
  BOOST_REQUIRE(through.ok());
  BOOST_TEST(through->caller.credential_id == csb.caller.credential_id);
  BOOST_TEST(through->rate_limit_per_minute == 0);
}

BOOST_FIXTURE_TEST_CASE(an_operators_new_limits_reach_authentication, Keys) {
  SetApiKeyLimits limits;
  limits.key_id = csb.caller.credential_id;
  limits.org_id = org;
  limits.rate_limit_per_minute = 5'000'000;
  limits.rate_limit_per_day = 900'000'000;
  World::must(w.run_operator(limits));
  auto got = auth.authenticate_api_key(csb.raw, now());
  BOOST_REQUIRE(got.ok());
  BOOST_TEST(got->rate_limit_per_minute == 5'000'000);
  BOOST_TEST(got->rate_limit_per_day == 900'000'000);

  const IssuedCredential mine = w.user_key(ann.session, KeyRole::readonly);
  SetApiKeyLimits on_user;
  on_user.key_id = mine.caller.credential_id;
  on_user.user_id = ann.user_id;
  on_user.rate_limit_per_minute = 2'000'000;
  World::must(w.run_operator(on_user));
  auto user_key = auth.authenticate_api_key(mine.raw, now());
  BOOST_REQUIRE(user_key.ok());
  BOOST_TEST(user_key->rate_limit_per_minute == 2'000'000);
  BOOST_TEST(user_key->rate_limit_per_day == 0);
}

BOOST_FIXTURE_TEST_CASE(malformed_keys_are_rejected_before_any_lookup, Keys) {
  const uint64_t before = auth.lookups();
  for (const std::string& bad :
       {with_bad_checksum(csb.raw), std::string("csb_short_00000000"), std::string(""),
        "xyz" + csb.raw.substr(3), csb.raw + "x", csb.raw.substr(0, csb.raw.size() - 1)}) {
    BOOST_TEST_INFO(bad);
    BOOST_TEST(outcome_of(bad) == "unauthorized");
  }
  BOOST_TEST(auth.lookups() == before);

  // A well-formed key nobody issued costs the one lookup by hash.
  BOOST_TEST(outcome_of(generate_api_key(KeyKind::business, w.world.random).raw) == "unauthorized");
  BOOST_TEST(auth.lookups() == before + 1);
  // A good org key: the one lookup (its organization is in the same state).
  BOOST_TEST(outcome_of(csb.raw) == "ok");
  BOOST_TEST(auth.lookups() == before + 2);
}

BOOST_FIXTURE_TEST_CASE(revoked_and_expired_keys_are_rejected, Keys) {
  RevokeOrgApiKey revoke;
  revoke.org_id = org;
  revoke.key_id = csb.caller.credential_id;
  World::must(w.run(ann.session, revoke));
  BOOST_TEST(outcome_of(csb.raw) == "unauthorized");

  IssuedCredential brief =
      w.org_key(ann.session, org, KeyKind::business, KeyRole::readonly, now() + 1000);
  BOOST_TEST(outcome(auth.authenticate_api_key(brief.raw, now() + 999)) == "ok");
  BOOST_TEST(outcome(auth.authenticate_api_key(brief.raw, now() + 1000)) == "unauthorized");

  IssuedCredential mine = w.user_key(ann.session, KeyRole::manager);
  BOOST_TEST(outcome_of(mine.raw) == "ok");
  RevokeUserApiKey revoke_mine;
  revoke_mine.key_id = mine.caller.credential_id;
  World::must(w.run(ann.session, revoke_mine));
  BOOST_TEST(outcome_of(mine.raw) == "unauthorized");
}

BOOST_FIXTURE_TEST_CASE(a_deleted_organizations_keys_stop_until_it_is_restored, Keys) {
  IssuedCredential cpk = w.org_key(ann.session, org, KeyKind::publishable, KeyRole::readonly);
  IssuedCredential mine = w.user_key(ann.session, KeyRole::manager);
  DeleteOrganization del;
  del.org_id = org;
  World::must(w.run(ann.session, del));
  BOOST_TEST(outcome_of(csb.raw) == "unauthorized");
  BOOST_TEST(outcome_of(cpk.raw) == "unauthorized");
  BOOST_TEST(outcome_of(mine.raw) == "ok");  // a user's key is not the organization's

  RestoreOrganization restore;
  restore.org_id = org;
  World::must(w.run(ann.session, restore));
  BOOST_TEST(outcome_of(csb.raw) == "ok");
  BOOST_TEST(outcome_of(cpk.raw) == "ok");
  auto back = auth.authenticate_api_key(csb.raw, now());
  BOOST_TEST(queries.get_organization(back->caller, org).ok());
}

BOOST_FIXTURE_TEST_CASE(a_removed_members_user_key_no_longer_reaches_the_org, Keys) {
  Person eve = w.member(ann.session, org, "eve@example.com", Role::manager);
  IssuedCredential eves = w.user_key(eve.session, KeyRole::manager);
  auto before = auth.authenticate_api_key(eves.raw, now());
  BOOST_REQUIRE(before.ok());
  BOOST_TEST(before->caller.kind == CredentialKind::user_key);
  BOOST_TEST(queries.list_members(before->caller, org, {}, PageRequest{}).ok());

  RemoveMember remove;
  remove.org_id = org;
  remove.member_id = w.world.member_id_of(org, eve.user_id);
  World::must(w.run(ann.session, remove));

  // The key still names Eve, but Eve no longer reaches the organization.
  auto after = auth.authenticate_api_key(eves.raw, now());
  BOOST_REQUIRE(after.ok());
  BOOST_TEST(outcome(queries.get_organization(after->caller, org)) == "not_found");
  BOOST_TEST(outcome(queries.list_members(after->caller, org, {}, PageRequest{})) == "not_found");
  BOOST_TEST(outcome(queries.list_org_keys(after->caller, org, PageRequest{})) == "not_found");
  BOOST_TEST(queries.whoami(after->caller)->at("organizations").empty());
  // Her session is locked out the same way; the org's keys survive.
  BOOST_TEST(outcome(queries.get_organization(eve.session, org)) == "not_found");
  BOOST_TEST(outcome_of(csb.raw) == "ok");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tokens_and_sessions)

BOOST_AUTO_TEST_CASE(bearer_tokens_live_until_expiry_or_revocation) {
  ProjectedWorld w;
  Authenticator auth(*w.state);
  Person ann = w.person("ann@example.com");
  IssuedCredential token = w.issue_token(ann.user_id, 60'000);
  auto got = auth.authenticate(PresentedCredential{{}, token.raw, {}, {}}, w.world.now);
  BOOST_REQUIRE(got.ok());
  BOOST_TEST(got->caller.kind == CredentialKind::token);
  BOOST_TEST(got->caller.user_id == ann.user_id);
  BOOST_TEST(got->caller.credential_id == token.caller.credential_id);
  BOOST_TEST(outcome(auth.authenticate_bearer_token(token.raw, w.world.now + 60'000)) ==
             "unauthorized");
  BOOST_TEST(outcome(auth.authenticate_bearer_token(token.raw + "x", w.world.now)) ==
             "unauthorized");
  BOOST_TEST(outcome(auth.authenticate_bearer_token("", w.world.now)) == "unauthorized");

  RevokeToken revoke;
  revoke.user_id = ann.user_id;
  revoke.token_id = token.caller.credential_id;
  World::must(w.run_operator(revoke));
  BOOST_TEST(outcome(auth.authenticate_bearer_token(token.raw, w.world.now)) == "unauthorized");
}

BOOST_AUTO_TEST_CASE(sessions_report_whether_the_csrf_token_matched) {
  ProjectedWorld w;
  Authenticator auth(*w.state);
  Person ann = w.person("ann@example.com");
  w.world.now += 5000;
  IssuedCredential session = w.open_session(ann.user_id, 60'000);
  const int64_t now = w.world.now;

  auto with_csrf = auth.authenticate_session(session.raw, session.csrf, now);
  BOOST_REQUIRE(with_csrf.ok());
  BOOST_TEST(with_csrf->csrf_matched);
  BOOST_TEST(with_csrf->caller.kind == CredentialKind::session);
  BOOST_TEST(with_csrf->caller.authenticated_at_ms == now);
  BOOST_TEST(with_csrf->caller.credential_id == session.caller.credential_id);
  BOOST_TEST(!auth.authenticate_session(session.raw, std::nullopt, now)->csrf_matched);
  BOOST_TEST(!auth.authenticate_session(session.raw, std::string(""), now)->csrf_matched);
  BOOST_TEST(!auth.authenticate_session(session.raw, session.csrf + "x", now)->csrf_matched);
  // The CSRF token is no session cookie.
  BOOST_TEST(outcome(auth.authenticate_session(session.csrf, std::nullopt, now)) == "unauthorized");
  BOOST_TEST(outcome(auth.authenticate_session(session.raw, std::nullopt, now + 60'000)) ==
             "unauthorized");

  RevokeSession revoke;
  revoke.user_id = ann.user_id;
  revoke.session_id = session.caller.credential_id;
  World::must(w.run_operator(revoke));
  BOOST_TEST(outcome(auth.authenticate_session(session.raw, session.csrf, now)) == "unauthorized");
  BOOST_TEST(outcome(auth.authenticate(PresentedCredential{}, now)) == "unauthorized");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(key_usage)

BOOST_AUTO_TEST_CASE(uses_are_coalesced_in_memory_and_flushed) {
  ProjectedWorld w;
  KeyUsageTracker usage(*w.log);
  usage.record("k1", 1000);
  usage.record("k1", 3000);
  usage.record("k1", 2000);  // out of order: the newest wins
  usage.record("k2", 500);
  BOOST_TEST(usage.last_used("k1").value_or(0) == 3000);
  BOOST_TEST(!stored_last_used(*w.log, "k1"));
  BOOST_REQUIRE(usage.flush().ok());
  BOOST_TEST(stored_last_used(*w.log, "k1").value_or(0) == 3000);
  BOOST_TEST(stored_last_used(*w.log, "k2").value_or(0) == 500);
  BOOST_TEST(usage.last_used("k2").value_or(0) == 500);
  BOOST_TEST(!usage.last_used("k3"));
  usage.record("k1", 4000);
  BOOST_TEST(usage.last_used("k1").value_or(0) == 4000);  // memory before the store
}

BOOST_AUTO_TEST_CASE(the_background_flusher_writes_within_its_interval_and_stops_cleanly) {
  ProjectedWorld w;
  {
    KeyUsageTracker usage(*w.log);
    usage.start(std::chrono::milliseconds(20));
    usage.record("k", 42);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!stored_last_used(*w.log, "k") && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    BOOST_TEST(stored_last_used(*w.log, "k").value_or(0) == 42);
    usage.record("k", 43);
    usage.stop();  // flushes what is left
    BOOST_TEST(stored_last_used(*w.log, "k").value_or(0) == 43);
    usage.stop();  // twice is fine
    usage.record("k", 44);
  }  // and the destructor flushes once more
  BOOST_TEST(stored_last_used(*w.log, "k").value_or(0) == 44);
}

BOOST_AUTO_TEST_CASE(recording_is_safe_from_many_threads) {
  ProjectedWorld w;
  KeyUsageTracker usage(*w.log);
  usage.start(std::chrono::milliseconds(1));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 1; i <= 5000; ++i) usage.record("k" + std::to_string(i % 10), t * 10000 + i);
    });
  }
  for (auto& thread : threads) thread.join();
  usage.stop();
  for (int k = 0; k < 10; ++k) {
    const int64_t newest = 3 * 10000 + 5000 - (k == 0 ? 0 : 10 - k);
    BOOST_TEST(stored_last_used(*w.log, "k" + std::to_string(k)).value_or(0) == newest);
  }
}

BOOST_AUTO_TEST_CASE(authentication_records_use_and_queries_show_it) {
  ProjectedWorld w;
  KeyUsageTracker usage(*w.log);
  Authenticator auth(*w.state, &usage);
  AccountQueries queries(*w.state, *w.log, &usage);
  Person ann = w.person("ann@example.com");
  const std::string org = w.create_org(ann.session);
  IssuedCredential key = w.org_key(ann.session, org, KeyKind::business, KeyRole::manager);
  const std::string& id = key.caller.credential_id;

  auto unused = queries.get_org_key(ann.session, org, id);
  BOOST_TEST(unused->body.at("last_used").is_null());
  auto caller = auth.authenticate_api_key(key.raw, w.world.now + 1234);
  BOOST_REQUIRE(caller.ok());
  BOOST_TEST(usage.last_used(id).value_or(0) == w.world.now + 1234);
  auto used = queries.get_org_key(ann.session, org, id);
  BOOST_TEST(used->body.at("last_used") == format_timestamp_ms(w.world.now + 1234));
  BOOST_TEST(queries.whoami(caller->caller)->at("api_key").at("last_used") ==
             format_timestamp_ms(w.world.now + 1234));
  // A failed authentication records nothing: the key expired, so no use.
  IssuedCredential brief =
      w.org_key(ann.session, org, KeyKind::business, KeyRole::readonly, w.world.now + 10);
  BOOST_TEST(outcome(auth.authenticate_api_key(brief.raw, w.world.now + 10)) == "unauthorized");
  BOOST_TEST(!usage.last_used(brief.caller.credential_id));
  BOOST_REQUIRE(usage.flush().ok());
  // After a restart the flushed value is what a fresh tracker reads.
  KeyUsageTracker restarted(*w.log);
  AccountQueries from_store(*w.state, *w.log, &restarted);
  BOOST_TEST(from_store.get_org_key(ann.session, org, id)->body.at("last_used") ==
             format_timestamp_ms(w.world.now + 1234));
}

BOOST_AUTO_TEST_SUITE_END()
