#include <boost/test/unit_test.hpp>
#include <vector>

#include "events/envelope.h"
#include "events/sha256.h"
#include "events/stored_event.h"

using namespace closient;

namespace {

EventEnvelope sample() {
  EventEnvelope e;
  e.position = 1;
  e.stream = "org-abc";
  e.version = 1;
  e.type = "OrganizationCreated";
  e.schema = 2;
  e.occurred_at_ms = 1700000000123;
  e.actor = Actor{"api_key", "key-9", "user-7"};
  e.request_id = "req-1";
  e.data = {{"name", "Acme"}, {"plan", "pro"}};
  e.prev_hash = zero_hash();
  return e;
}

}  // namespace

BOOST_AUTO_TEST_CASE(canonical_bytes_are_sorted_compact_json_without_hash) {
  EventEnvelope e = sample();
  e.hash = "ignored";
  BOOST_TEST(canonical_bytes(e) ==
             R"({"actor":{"id":"key-9","kind":"api_key","user_id":"user-7"},)"
             R"("data":{"name":"Acme","plan":"pro"},"occurred_at":"2023-11-14T22:13:20.123Z",)"
             R"("position":1,"prev_hash":")" +
                 zero_hash() +
                 R"(","request_id":"req-1","schema":2,"stream":"org-abc",)"
                 R"("type":"OrganizationCreated","version":1})");
}

BOOST_AUTO_TEST_CASE(hash_covers_prev_hash_and_canonical_bytes) {
  EventEnvelope e = sample();
  BOOST_TEST(zero_hash() == std::string(64, '0'));
  BOOST_TEST(compute_event_hash(e) == sha256_hex(e.prev_hash + canonical_bytes(e)));
  EventEnvelope changed = sample();
  changed.data["name"] = "Acme2";
  BOOST_TEST(compute_event_hash(changed) != compute_event_hash(e));
  changed = sample();
  changed.prev_hash[0] = '1';
  BOOST_TEST(compute_event_hash(changed) != compute_event_hash(e));
}

BOOST_AUTO_TEST_CASE(json_round_trip_keeps_every_field_and_the_hash) {
  EventEnvelope e = sample();
  e.hash = compute_event_hash(e);
  nlohmann::json j = envelope_to_json(e);
  BOOST_TEST(j["occurred_at"] == "2023-11-14T22:13:20.123Z");
  BOOST_TEST(j["actor"]["user_id"] == "user-7");

  EventEnvelope back;
  BOOST_REQUIRE(envelope_from_json(nlohmann::json::parse(j.dump()), &back));
  BOOST_TEST(back.position == e.position);
  BOOST_TEST(back.stream == e.stream);
  BOOST_TEST(back.version == e.version);
  BOOST_TEST(back.type == e.type);
  BOOST_TEST(back.schema == e.schema);
  BOOST_TEST(back.occurred_at_ms == e.occurred_at_ms);
  BOOST_TEST((back.actor == e.actor));
  BOOST_TEST(back.request_id == e.request_id);
  BOOST_TEST(back.data == e.data);
  BOOST_TEST(back.prev_hash == e.prev_hash);
  BOOST_TEST(back.hash == e.hash);
  BOOST_TEST(compute_event_hash(back) == e.hash);
}

BOOST_AUTO_TEST_CASE(from_json_rejects_missing_or_mistyped_fields) {
  EventEnvelope e = sample();
  nlohmann::json good = envelope_to_json(e);
  EventEnvelope out;
  for (const char* field : {"position", "stream", "actor", "occurred_at", "hash", "data"}) {
    nlohmann::json bad = good;
    bad.erase(field);
    BOOST_TEST(!envelope_from_json(bad, &out), field);
  }
  nlohmann::json bad = good;
  bad["occurred_at"] = "yesterday";
  BOOST_TEST(!envelope_from_json(bad, &out));
  bad = good;
  bad["position"] = -1;
  BOOST_TEST(!envelope_from_json(bad, &out));
  BOOST_TEST(!envelope_from_json(nlohmann::json::array(), &out));
}

BOOST_AUTO_TEST_CASE(sealing_refuses_invalid_utf8_and_decoding_refuses_garbage) {
  EventEnvelope e = sample();
  auto sealed = seal_event(e);
  BOOST_REQUIRE(sealed.ok());
  auto decoded = decode_stored_event(*sealed);
  BOOST_REQUIRE(decoded.has_value());
  BOOST_TEST(decoded->hash == e.hash);

  EventEnvelope bad = sample();
  bad.data["name"] = std::string("\xff\xfe", 2);
  auto refused = seal_event(bad);
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST((refused.error().code == ErrorCode::bad_request));

  BOOST_TEST(!decode_stored_event("{not json").has_value());
  BOOST_TEST(!decode_stored_event("").has_value());
}

// The stored and canonical forms are built as text; nlohmann's dump of the
// envelope object is the oracle they must match byte for byte, or no hash
// already in a log would verify.
BOOST_AUTO_TEST_CASE(the_text_forms_are_exactly_the_dump_of_the_envelope_object) {
  std::vector<EventEnvelope> cases;
  cases.push_back(sample());
  EventEnvelope tricky = sample();
  tricky.stream = "org-\"quoted\"\\back\nslash\t\x01";
  tricky.type = "Ünïcødé ✓ 𝄞";
  tricky.actor = Actor{"operator", "", ""};
  tricky.request_id = "</script>&'";
  tricky.position = 18446744073709551615ull;
  tricky.version = 4294967296ull;
  tricky.schema = 0;
  tricky.occurred_at_ms = 0;
  tricky.data = {{"z", nullptr},
                 {"a", {1, -2, 3.5, 1e300, true, "x"}},
                 {"nested", {{"k", {{"deep", "\u00e9\u0000"}}}}},
                 {"empty", nlohmann::json::object()},
                 {"list", nlohmann::json::array()}};
  cases.push_back(tricky);
  EventEnvelope bare = sample();
  bare.data = nlohmann::json::object();
  cases.push_back(bare);

  for (EventEnvelope& e : cases) {
    e.hash.clear();
    nlohmann::json without_hash = envelope_to_json(e);
    without_hash.erase("hash");
    BOOST_TEST(canonical_bytes(e) == without_hash.dump());
    Result<std::string> stored = seal_event(e);
    BOOST_REQUIRE(stored.ok());
    BOOST_TEST(e.hash == sha256_hex(e.prev_hash + canonical_bytes(e)));
    BOOST_TEST(*stored == envelope_to_json(e).dump());
  }
}

BOOST_AUTO_TEST_CASE(sealing_refuses_text_that_is_not_utf8_anywhere) {
  for (int field = 0; field < 4; ++field) {
    EventEnvelope e = sample();
    const std::string bad = "ok\xff\xfe";
    if (field == 0) e.stream = bad;
    if (field == 1) e.actor.id = bad;
    if (field == 2) e.request_id = bad;
    if (field == 3) e.data["name"] = bad;
    Result<std::string> stored = seal_event(e);
    BOOST_TEST(!stored.ok(), "field " << field);
  }
}
