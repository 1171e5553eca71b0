// Idempotency-Key records (contract §8): kept without the raw secrets an answer
// carries, and deleted once their 24 hours have passed, on a clock the test
// controls.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "events/rocks_event_log.h"
#include "http/idempotency.h"
#include "temp_dir.h"

using namespace closient;
using namespace closient::http;
using closient::testing::TempDir;

namespace closient::http {
inline std::ostream& operator<<(std::ostream& out, IdempotencyStore::Claim::Outcome outcome) {
  return out << static_cast<int>(outcome);
}
}  // namespace closient::http

namespace {

constexpr int64_t kT0 = 1'780'000'000'000;
constexpr int64_t kHour = 60 * 60 * 1000;
constexpr char kRawKey[] = "csb_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf_84041098";

struct Store {
  TempDir dir;
  std::unique_ptr<RocksEventLog> log = [this] {
    auto opened = RocksEventLog::open(dir.path() + "/data");
    if (!opened.ok()) throw std::runtime_error(opened.error().detail);
    return std::move(opened).value();
  }();
  IdempotencyStore idempotency{*log};

  // Every key and value of the idempotency space.
  std::vector<std::pair<std::string, std::string>> contents() {
    std::vector<std::pair<std::string, std::string>> all;
    BOOST_REQUIRE(log->side_scan("idempotency", "", "",
                                 [&](const std::string& key, const std::string& value) {
                                   all.emplace_back(key, value);
                                   return true;
                                 })
                      .ok());
    return all;
  }

  // Claims `key` for credential c1 and finishes it with `response` at `now`.
  void answer(const std::string& key, const Response& response, int64_t now) {
    IdempotencyStore::Claim claim = idempotency.claim("c1", key, "fp-" + key, now);
    BOOST_REQUIRE(claim.outcome == IdempotencyStore::Claim::Outcome::proceed);
    idempotency.finish(claim.slot, "fp-" + key, response, now);
  }
  IdempotencyStore::Claim::Outcome retry(const std::string& key, int64_t now) {
    return idempotency.claim("c1", key, "fp-" + key, now).outcome;
  }
};

Response key_created() {
  Response response = Response::json(
      200,
      {{"id", "CnEqURgZ3swzj528KMLvX5"}, {"name", "ci"}, {"prefix", "csb_AbCd"}, {"key", kRawKey}});
  response.headers.set("Cache-Control", "no-store");
  response.headers.set("ETag", "\"4\"");
  return response;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_replayed_key_creation_does_not_hold_or_return_the_key) {
  Store s;
  s.answer("create-1", key_created(), kT0);
  for (const auto& [key, value] : s.contents()) {
    BOOST_TEST(value.find(kRawKey) == std::string::npos, key);
    BOOST_TEST(value.find("AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEf") == std::string::npos, key);
  }
  IdempotencyStore::Claim again = s.idempotency.claim("c1", "create-1", "fp-create-1", kT0 + 1);
  BOOST_REQUIRE(again.outcome == IdempotencyStore::Claim::Outcome::replay);
  const nlohmann::json body = nlohmann::json::parse(again.stored.body);
  BOOST_TEST(!body.contains("key"));
  BOOST_TEST(body["id"] == "CnEqURgZ3swzj528KMLvX5");
  BOOST_TEST(body["prefix"] == "csb_AbCd");
  BOOST_TEST(again.stored.status == 200);
  BOOST_TEST(again.stored.headers.find("ETag").value_or("") == "\"4\"");
  BOOST_TEST(again.stored.headers.find("Cache-Control").value_or("") == "no-store");
}

BOOST_AUTO_TEST_CASE(an_answer_with_a_secret_it_cannot_take_out_is_not_kept) {
  Response opaque = Response::text(200, "token=s3cr3t", "text/plain");
  opaque.headers.set("Cache-Control", "no-store");
  BOOST_TEST(!replayable_answer(opaque).has_value());
  Store s;
  s.answer("opaque", opaque, kT0);
  BOOST_TEST(s.contents().empty());
  BOOST_TEST(s.retry("opaque", kT0 + 1) == IdempotencyStore::Claim::Outcome::proceed);
  // Answers without secrets are kept whole.
  const Response plain = Response::json(200, {{"id", "x"}});
  BOOST_TEST(replayable_answer(plain)->body == plain.body);
}

BOOST_AUTO_TEST_CASE(records_are_deleted_after_24_hours) {
  Store s;
  s.answer("early", Response::json(200, {{"n", 1}}), kT0);
  s.answer("later", Response::json(200, {{"n", 2}}), kT0 + 12 * kHour);
  BOOST_TEST(s.contents().size() == 4u);  // two records, two index entries

  // Within their 24 hours both replay, and a sweep deletes nothing.
  BOOST_TEST(s.idempotency.sweep(kT0 + 24 * kHour - 1) == 0u);
  BOOST_TEST(s.retry("early", kT0 + 24 * kHour - 1) == IdempotencyStore::Claim::Outcome::replay);

  // After them: the first is gone, from the store, not just ignored.
  BOOST_TEST(s.idempotency.sweep(kT0 + 24 * kHour + 1) == 1u);
  BOOST_TEST(s.contents().size() == 2u);
  BOOST_TEST(s.retry("later", kT0 + 24 * kHour + 1) == IdempotencyStore::Claim::Outcome::replay);
  BOOST_TEST(s.idempotency.sweep(kT0 + 36 * kHour + 1) == 1u);
  BOOST_TEST(s.contents().empty());
}

BOOST_AUTO_TEST_CASE(claims_sweep_by_themselves_at_most_once_a_minute) {
  Store s;
  for (int i = 0; i < 30; ++i)
    s.answer("k" + std::to_string(i), Response::json(200, {{"i", i}}), kT0 + i);
  BOOST_TEST(s.contents().size() == 60u);
  // A day later, any request with an Idempotency-Key sweeps the expired ones.
  BOOST_TEST(s.retry("fresh", kT0 + 25 * kHour) == IdempotencyStore::Claim::Outcome::proceed);
  BOOST_TEST(s.contents().empty());
  // An expired key is a new request: it runs again and is kept again.
  s.answer("k0", Response::json(200, {{"again", true}}), kT0 + 25 * kHour);
  BOOST_TEST(s.retry("k0", kT0 + 25 * kHour + 1) == IdempotencyStore::Claim::Outcome::replay);
}

BOOST_AUTO_TEST_CASE(a_reused_slot_keeps_its_newer_record) {
  Store s;
  s.answer("reused", Response::json(200, {{"v", 1}}), kT0);
  // Expired but not yet swept: used again.
  s.answer("reused", Response::json(200, {{"v", 2}}), kT0 + 25 * kHour);
  BOOST_TEST(s.idempotency.sweep(kT0 + 25 * kHour + 1) == 0u);  // only the old index entry went
  BOOST_TEST(s.contents().size() == 2u);
  IdempotencyStore::Claim again =
      s.idempotency.claim("c1", "reused", "fp-reused", kT0 + 26 * kHour);
  BOOST_REQUIRE(again.outcome == IdempotencyStore::Claim::Outcome::replay);
  BOOST_TEST(nlohmann::json::parse(again.stored.body)["v"] == 2);
}

BOOST_AUTO_TEST_CASE(records_of_the_first_format_are_deleted) {
  // The first format kept the whole answer, raw key included, under the bare slot.
  Store s;
  const std::string slot(64, 'a');
  BOOST_REQUIRE(
      s.log->side_put("idempotency", {{slot, std::string("{\"key\":\"") + kRawKey + "\"}"}}).ok());
  s.answer("new", Response::json(200, {{"n", 1}}), kT0);
  s.idempotency.sweep(kT0);
  const auto left = s.contents();
  BOOST_TEST(left.size() == 2u);
  for (const auto& [key, value] : left) BOOST_TEST(key != slot);
}

BOOST_AUTO_TEST_CASE(a_sweep_does_a_bounded_amount_of_work) {
  Store s;
  for (int i = 0; i < 25; ++i) s.answer("k" + std::to_string(i), Response::json(200, {}), kT0);
  BOOST_TEST(s.idempotency.sweep(kT0 + 25 * kHour, 10) == 10u);
  BOOST_TEST(s.contents().size() == 30u);
  BOOST_TEST(s.idempotency.sweep(kT0 + 25 * kHour, 10) == 10u);
  BOOST_TEST(s.idempotency.sweep(kT0 + 25 * kHour, 10) == 5u);
  BOOST_TEST(s.contents().empty());
}
