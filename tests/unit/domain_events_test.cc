// Every domain event type: its name, schema, a JSON round trip of fully
// populated data, strict decoding, and registration in the event catalog.
#include <boost/test/unit_test.hpp>
#include <functional>
#include <map>
#include <set>

#include "domain/event_types.h"
#include "domain/organization.h"
#include "domain/user.h"
#include "domain_world.h"
#include "events/catalog.h"

using namespace closient;

namespace {

constexpr int64_t kT = 1774958400123;

ApiKeyCreatedData key_created() {
  ApiKeyCreatedData e;
  e.key_id = "CnEqURgZ3swzj528KMLvX5";
  e.kind = KeyKind::publishable;
  e.name = "Web shop";
  e.description = "embedded";
  e.role = KeyRole::editor;
  e.key_sha256 = std::string(64, 'a');
  e.prefix = "cpk_AbCd";
  e.created_at_ms = kT;
  e.expires_at_ms = kT + 1000;
  e.rate_limit_per_minute = 100;
  e.rate_limit_per_day = 5000;
  e.metadata = {{"env", "prod"}};
  e.created_by = "g5JYoyhXAiyPL7wg6cSNzH";
  return e;
}

ApiKeyUpdatedData key_updated() {
  ApiKeyUpdatedData e;
  e.key_id = "CnEqURgZ3swzj528KMLvX5";
  e.name = "Renamed";
  e.metadata = Metadata{};
  return e;
}

ApiKeyRevokedData key_revoked() {
  return {"CnEqURgZ3swzj528KMLvX5", kT, "g5JYoyhXAiyPL7wg6cSNzH"};
}

MemberJoined joined() {
  MemberJoined e;
  e.member_id = "CnEqURgZ3swzj528KMLvX5";
  e.user_id = "g5JYoyhXAiyPL7wg6cSNzH";
  e.email = "ann@example.com";
  e.name = "Ann";
  e.user_metadata = {{"team", "blue"}};
  e.role = Role::billing;
  e.joined_at_ms = kT;
  e.added_by = "oZEq7ovRbLq6UnGMPwc8B5";
  return e;
}

template <typename Event, typename Base>
Event as(const Base& base) {
  Event e;
  static_cast<Base&>(e) = base;
  return e;
}

// A fully populated sample of every event type, encoded.
std::map<std::string, nlohmann::json> samples() {
  std::map<std::string, nlohmann::json> out;
  auto put = [&](const auto& event) {
    out[std::decay_t<decltype(event)>::kType] = nlohmann::json(event);
  };
  OrganizationCreated created;
  created.org_id = "CnEqURgZ3swzj528KMLvX5";
  created.name = "Acme";
  created.country = "DE";
  created.is_brand = true;
  created.require_reauth_to_delete = false;
  created.metadata = {{"a", "b"}};
  created.created_by = "g5JYoyhXAiyPL7wg6cSNzH";
  put(created);
  OrganizationUpdated updated;
  updated.name = "Acme GmbH";
  updated.country = "AT";
  updated.is_brand = false;
  updated.require_reauth_to_delete = true;
  updated.metadata = Metadata{{"x", "y"}};
  put(updated);
  put(OrganizationDeleted{kT, "g5JYoyhXAiyPL7wg6cSNzH"});
  put(OrganizationRestored{"g5JYoyhXAiyPL7wg6cSNzH"});
  put(as<MemberAdded>(joined()));
  put(as<MemberInvited>(joined()));
  put(MemberRoleChanged{"CnEqURgZ3swzj528KMLvX5", Role::owner, Role::manager, "u"});
  put(MemberRemoved{"CnEqURgZ3swzj528KMLvX5", "g5JYoyhXAiyPL7wg6cSNzH", "left", "u"});
  put(as<OrgApiKeyCreated>(key_created()));
  put(as<OrgApiKeyUpdated>(key_updated()));
  put(as<OrgApiKeyRevoked>(key_revoked()));
  UserCreated user;
  user.user_id = "g5JYoyhXAiyPL7wg6cSNzH";
  user.email = "ann@example.com";
  user.name = "Ann";
  user.metadata = {{"k", "v"}};
  user.created_via = "invite";
  user.invited_to_org = "CnEqURgZ3swzj528KMLvX5";
  user.invited_by = "oZEq7ovRbLq6UnGMPwc8B5";
  put(user);
  ApiKeyCreatedData user_key = key_created();
  user_key.kind = KeyKind::user;
  put(as<UserApiKeyCreated>(user_key));
  put(as<UserApiKeyUpdated>(key_updated()));
  put(as<UserApiKeyRevoked>(key_revoked()));
  put(TokenIssued{"CnEqURgZ3swzj528KMLvX5", std::string(64, 'b'), kT, kT + 3600000});
  put(TokenRevoked{"CnEqURgZ3swzj528KMLvX5", kT});
  put(SessionIssued{"CnEqURgZ3swzj528KMLvX5", std::string(64, 'c'), std::string(64, 'd'), kT - 5000,
                    kT, kT + 3600000});
  put(SessionRevoked{"CnEqURgZ3swzj528KMLvX5", kT});
  PreferencesReplaced preferences;
  preferences.preferences = {
      {"tree_nuts", "Tree Nuts", TraitCategory::ALLERGEN, TraitStance::AVOID},
      {"halal", "Halal", TraitCategory::RELIGIOUS, TraitStance::REQUIRE}};
  put(preferences);
  put(as<OrgApiKeyLimitsChanged>(ApiKeyLimitsChangedData{"CnEqURgZ3swzj528KMLvX5", 5'000'000, 0}));
  put(as<UserApiKeyLimitsChanged>(
      ApiKeyLimitsChangedData{"CnEqURgZ3swzj528KMLvX5", 0, 500'000'000}));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_event_type_round_trips_through_json) {
  const std::map<std::string, nlohmann::json> all = samples();
  BOOST_TEST(all.size() == domain_event_types().size());
  for (const DomainEventType& type : domain_event_types()) {
    BOOST_TEST_CONTEXT(type.name) {
      BOOST_TEST(type.schema == 1);
      auto it = all.find(type.name);
      BOOST_REQUIRE(it != all.end());
      // Stored as text, read back, decoded and encoded again: the same data.
      const nlohmann::json stored = nlohmann::json::parse(it->second.dump());
      Result<nlohmann::json> again = normalize_event_data(type.name, stored);
      BOOST_REQUIRE(again.ok());
      BOOST_TEST(again.value() == it->second);
    }
  }
}

BOOST_AUTO_TEST_CASE(times_are_written_as_rfc3339) {
  const nlohmann::json data = samples().at("OrgApiKeyCreated");
  BOOST_TEST(data["created_at"] == "2026-03-31T12:00:00.123Z");
  BOOST_TEST(data["expires_at"] == "2026-03-31T12:00:01.123Z");
  BOOST_TEST(data["kind"] == "publishable");
  BOOST_TEST(data["role"] == "editor");
  ApiKeyCreatedData no_expiry = key_created();
  no_expiry.expires_at_ms.reset();
  BOOST_TEST(nlohmann::json(no_expiry)["expires_at"].is_null());
  // Partial updates record only what changed.
  BOOST_TEST(nlohmann::json(OrganizationUpdated{}) == nlohmann::json::object());
}

BOOST_AUTO_TEST_CASE(decoding_is_strict) {
  nlohmann::json missing = samples().at("MemberInvited");
  missing.erase("role");
  BOOST_TEST(!normalize_event_data("MemberInvited", missing).ok());
  nlohmann::json bad_role = samples().at("MemberInvited");
  bad_role["role"] = "admin";
  BOOST_TEST(!normalize_event_data("MemberInvited", bad_role).ok());
  nlohmann::json bad_time = samples().at("TokenIssued");
  bad_time["expires_at"] = "tomorrow";
  BOOST_TEST(!normalize_event_data("TokenIssued", bad_time).ok());
  nlohmann::json bad_reason = samples().at("MemberRemoved");
  bad_reason["reason"] = "vanished";
  BOOST_TEST(!normalize_event_data("MemberRemoved", bad_reason).ok());
  BOOST_TEST(!normalize_event_data("OrganizationCreated", nlohmann::json::array()).ok());
  BOOST_TEST(normalize_event_data("NoSuchEvent", {}).error().code == ErrorCode::not_found);
}

BOOST_AUTO_TEST_CASE(every_type_is_registered_in_the_catalog) {
  EventCatalog catalog;
  register_domain_events(catalog);
  std::set<std::string> names;
  for (const DomainEventType& type : domain_event_types()) {
    BOOST_TEST(catalog.knows(type.name), type.name);
    BOOST_TEST(catalog.current_schema(type.name) == type.schema);
    names.insert(type.name);
  }
  BOOST_TEST(names.size() == 22u);
  // Schema 1 data comes back from the catalog as it went in.
  Result<nlohmann::json> upcast = catalog.upcast("MemberRemoved", 1, samples().at("MemberRemoved"));
  BOOST_REQUIRE(upcast.ok());
  BOOST_TEST(upcast.value() == samples().at("MemberRemoved"));
}

BOOST_AUTO_TEST_CASE(evolve_applies_every_sample_and_counts_unknown_types) {
  OrganizationState org;
  UserState user;
  uint64_t org_version = 0, user_version = 0;
  for (const DomainEventType& type : domain_event_types()) {
    EventEnvelope envelope;
    envelope.type = type.name;
    envelope.data = samples().at(type.name);
    envelope.occurred_at_ms = kT;
    if (std::string(type.stream) == "org") {
      envelope.version = ++org_version;
      BOOST_TEST(evolve_checked(org, envelope).ok(), type.name);
    } else {
      envelope.version = ++user_version;
      BOOST_TEST(evolve_checked(user, envelope).ok(), type.name);
    }
  }
  BOOST_TEST(org.version == org_version);
  BOOST_TEST(user.version == user_version);
  BOOST_TEST(org.name == "Acme GmbH");
  BOOST_TEST(!org.deleted());  // deleted, then restored
  BOOST_TEST(user.preferences.size() == 2u);

  EventEnvelope future;
  future.type = "SomethingNewer";
  future.version = org.version + 1;
  evolve(org, future);  // ignored, but the version follows the stream
  BOOST_TEST(org.version == org_version + 1);

  EventEnvelope broken;
  broken.type = "OrganizationUpdated";
  broken.data = {{"name", 42}};
  broken.version = org.version + 1;
  BOOST_TEST(!evolve_checked(org, broken).ok());
}
