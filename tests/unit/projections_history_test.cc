// History: the member list as of a past position or time, and the audit feed
// paged by `after` — with no secret anywhere in the log or the feed.
#include <boost/test/unit_test.hpp>

#include "events/timestamp.h"
#include "projections/queries.h"
#include "projections_world.h"

using namespace closient;
using namespace closient::testing;

namespace {

std::vector<std::string> emails_of(const nlohmann::json& body) {
  std::vector<std::string> emails;
  for (const auto& m : body.at("data")) emails.push_back(m.at("user_email").get<std::string>());
  return emails;
}

AsOf at_position(uint64_t position) {
  return AsOf{position, std::nullopt};
}
AsOf at_time(int64_t ms) {
  return AsOf{std::nullopt, ms};
}

struct History {
  ProjectedWorld w;
  AccountQueries queries{*w.state, *w.log};
  Person ann = w.person("ann@example.com", "Ann");
  uint64_t before_org = w.log->last_position();
  int64_t before_org_time = w.world.now;
  std::string org = w.create_org(ann.session);
  uint64_t created = w.log->last_position();

  uint64_t after_bob = 0, after_cat = 0, after_bob_left = 0;
  int64_t time_after_cat = 0;

  History() {
    w.world.now += 60'000;
    w.invite(ann.session, org, "bob@example.com", Role::editor);
    after_bob = w.log->last_position();
    w.world.now += 60'000;
    w.invite(ann.session, org, "cat@example.com", Role::manager);
    after_cat = w.log->last_position();
    time_after_cat = w.world.now;
    w.world.now += 60'000;
    RemoveMember remove;
    remove.org_id = org;
    remove.member_id = w.world.member_id_of(org, w.world.user_by_email.at("bob@example.com"));
    World::must(w.run(ann.session, remove));
    after_bob_left = w.log->last_position();
  }

  Result<nlohmann::json> members_as_of(const AsOf& as_of, MemberFilter filter = {}) {
    return queries.list_members(ann.session, org, filter, PageRequest{1, 25}, as_of);
  }
};

using Emails = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(as_of)

BOOST_FIXTURE_TEST_CASE(the_member_list_as_it_stood_at_a_position, History) {
  BOOST_TEST(emails_of(*members_as_of(at_position(created))) == Emails{"ann@example.com"},
             boost::test_tools::per_element());
  BOOST_TEST(emails_of(*members_as_of(at_position(after_bob))) ==
                 Emails({"ann@example.com", "bob@example.com"}),
             boost::test_tools::per_element());
  BOOST_TEST(emails_of(*members_as_of(at_position(after_cat))) ==
                 Emails({"ann@example.com", "bob@example.com", "cat@example.com"}),
             boost::test_tools::per_element());
  BOOST_TEST(emails_of(*members_as_of(at_position(after_bob_left))) ==
                 Emails({"ann@example.com", "cat@example.com"}),
             boost::test_tools::per_element());
  // Positions of other streams in between count too: after_bob - 1 is Bob's UserCreated.
  BOOST_TEST(emails_of(*members_as_of(at_position(after_bob - 1))) == Emails{"ann@example.com"},
             boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(the_member_list_as_it_stood_at_a_time, History) {
  BOOST_TEST(emails_of(*members_as_of(at_time(time_after_cat))) ==
                 Emails({"ann@example.com", "bob@example.com", "cat@example.com"}),
             boost::test_tools::per_element());
  BOOST_TEST(emails_of(*members_as_of(at_time(time_after_cat - 1))) ==
                 Emails({"ann@example.com", "bob@example.com"}),
             boost::test_tools::per_element());
  auto parsed = parse_as_of(format_timestamp_ms(time_after_cat));
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST(emails_of(*members_as_of(*parsed)).size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(filters_and_pages_apply_to_the_past_list, History) {
  MemberFilter managers;
  managers.role = Role::manager;
  auto body = members_as_of(at_position(after_cat), managers);
  BOOST_TEST(emails_of(*body) == Emails{"cat@example.com"}, boost::test_tools::per_element());
  BOOST_TEST(body->at("pagination").at("total_count").get<int>() == 1);
  MemberFilter q;
  q.q = "BOB";
  BOOST_TEST(members_as_of(at_position(after_cat), q)->at("pagination").at("total_count") == 1);
  auto second =
      queries.list_members(ann.session, org, {}, PageRequest{2, 2}, at_position(after_cat));
  BOOST_TEST(emails_of(*second) == Emails{"cat@example.com"}, boost::test_tools::per_element());
  BOOST_TEST(second->at("pagination").at("total_pages").get<int>() == 2);
}

BOOST_FIXTURE_TEST_CASE(before_the_organization_existed_is_not_found, History) {
  BOOST_TEST(outcome(members_as_of(at_position(before_org))) == "not_found");
  BOOST_TEST(outcome(members_as_of(at_position(0))) == "not_found");
  BOOST_TEST(outcome(members_as_of(at_time(before_org_time - 1))) == "not_found");
  // And a caller who may not read the organization now learns nothing of its past.
  Person zed = w.person("zed@example.com");
  BOOST_TEST(outcome(queries.list_members(zed.session, org, {}, PageRequest{},
                                          at_position(after_cat))) == "not_found");
}

BOOST_AUTO_TEST_CASE(as_of_is_a_position_or_an_rfc3339_time) {
  BOOST_TEST(parse_as_of("42")->position.value_or(0) == 42u);
  BOOST_TEST(parse_as_of("2026-03-31T12:00:00Z")->time_ms.value_or(0) ==
             parse_timestamp_ms("2026-03-31T12:00:00.000Z").value_or(1));
  for (const char* bad : {"", "-1", "soon", "12abc", "99999999999999999999999"}) {
    auto parsed = parse_as_of(bad);
    BOOST_TEST_INFO(bad);
    BOOST_TEST(outcome(parsed) == "validation_error");
    if (!parsed.ok()) BOOST_TEST(parsed.error().fields.at(0).field == "as_of");
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(audit_feed)

BOOST_AUTO_TEST_CASE(pages_by_after_cover_exactly_the_organizations_events) {
  ProjectedWorld w;
  AccountQueries queries(*w.state, *w.log);
  Person ann = w.person("ann@example.com");
  const std::string org = w.create_org(ann.session);
  const std::string other = w.create_org(ann.session, "Other");
  std::vector<std::string> secrets;
  for (int i = 0; i < 12; ++i) {
    w.invite(ann.session, org, "p" + std::to_string(i) + "@example.com", Role::editor);
    w.invite(ann.session, other, "q" + std::to_string(i) + "@example.com", Role::editor);
    secrets.push_back(w.org_key(ann.session, org, KeyKind::business, KeyRole::readonly).raw);
    secrets.push_back(w.issue_token(ann.user_id).raw);
    IssuedCredential session = w.open_session(ann.user_id);
    secrets.push_back(session.raw);
    secrets.push_back(session.csrf);
  }
  std::vector<uint64_t> expected;
  BOOST_REQUIRE(w.log
                    ->scan(ReadFilter{},
                           [&](const EventEnvelope& e) {
                             if (e.stream == org_stream(org)) expected.push_back(e.position);
                             return true;
                           })
                    .ok());

  std::vector<uint64_t> seen;
  uint64_t after = 0;
  for (int pages = 0;; ++pages) {
    BOOST_REQUIRE(pages < 20);
    auto feed = queries.audit_feed(ann.session, org, after, 7);
    BOOST_REQUIRE(feed.ok());
    const nlohmann::json& data = feed->at("data");
    BOOST_TEST(data.size() <= 7u);
    for (const auto& entry : data) {
      seen.push_back(entry.at("position").get<uint64_t>());
      BOOST_TEST(entry.at("stream") == org_stream(org));
      BOOST_TEST(entry.at("actor").at("kind") == "session");
      BOOST_TEST(entry.at("actor").at("user_id") == ann.user_id);
      BOOST_TEST(entry.at("request_id").is_string());
      BOOST_TEST(parse_timestamp_ms(entry.at("occurred_at").get<std::string>()).has_value());
      BOOST_TEST(entry.at("version").get<uint64_t>() == seen.size());
    }
    if (feed->at("next_after").is_null()) break;
    BOOST_TEST(feed->at("next_after").get<uint64_t>() == seen.back());
    after = feed->at("next_after").get<uint64_t>();
  }
  BOOST_TEST(seen == expected, boost::test_tools::per_element());

  // Mid-stream `after` values (positions of other streams) work as well.
  auto tail = queries.audit_feed(ann.session, org, expected[5] + 1, 1000);
  BOOST_TEST(tail->at("data")[0].at("position").get<uint64_t>() == expected[6]);
  BOOST_TEST(tail->at("next_after").is_null());
  BOOST_TEST(queries.audit_feed(ann.session, org, expected.back(), 10)->at("data").empty());
  BOOST_TEST(queries.audit_feed(ann.session, org, UINT64_MAX, 10)->at("data").empty());

  // No secret in the feed, nor anywhere in the log; no credential hash in the feed.
  const std::string feed = queries.audit_feed(ann.session, org, 0, 1000)->dump();
  BOOST_TEST(feed.find("_sha256") == std::string::npos);
  std::string log_text;
  BOOST_REQUIRE(w.log
                    ->scan(ReadFilter{},
                           [&](const EventEnvelope& e) {
                             log_text += envelope_to_json(e).dump();
                             return true;
                           })
                    .ok());
  for (const std::string& secret : secrets) {
    BOOST_REQUIRE(!secret.empty());
    BOOST_TEST(feed.find(secret) == std::string::npos);
    BOOST_TEST(log_text.find(secret) == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(limit_is_from_1_to_1000) {
  ProjectedWorld w;
  AccountQueries queries(*w.state, *w.log);
  Person ann = w.person("ann@example.com");
  const std::string org = w.create_org(ann.session);
  for (uint64_t bad : {0ull, 1001ull}) {
    auto feed = queries.audit_feed(ann.session, org, 0, bad);
    BOOST_TEST(outcome(feed) == "validation_error");
    if (!feed.ok()) BOOST_TEST(feed.error().fields.at(0).field == "limit");
  }
  auto one = queries.audit_feed(ann.session, org, 0, 1);
  BOOST_TEST(one->at("data").size() == 1u);
  BOOST_TEST(one->at("data")[0].at("type") == "OrganizationCreated");
  BOOST_TEST(!one->at("next_after").is_null());
  BOOST_TEST(queries.audit_feed(ann.session, org, 0, 1000).ok());
}

BOOST_AUTO_TEST_SUITE_END()
