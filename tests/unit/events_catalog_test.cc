#include <boost/test/unit_test.hpp>

#include "events/catalog.h"
#include "events/stored_event.h"

using namespace closient;

namespace {

// An event exactly as an old build stored it: ExampleRenamed at schema 1, when
// the new name was called `title`. Never edit this text; add new fixtures.
const char kExampleRenamedV1[] =
    R"({"actor":{"id":"user-1","kind":"user","user_id":"user-1"},)"
    R"("data":{"title":"New name"},"hash":"",)"
    R"("occurred_at":"2024-01-02T03:04:05.006Z","position":7,)"
    R"("prev_hash":"0000000000000000000000000000000000000000000000000000000000000000",)"
    R"("request_id":"req-7","schema":1,"stream":"org-1","type":"ExampleRenamed","version":3})";

EventCatalog example_catalog() {
  EventCatalog catalog;
  catalog.add("ExampleRenamed", 3);
  // v1 -> v2: `title` became `name`.
  catalog.add_upcaster("ExampleRenamed", 1, [](const nlohmann::json& data) {
    nlohmann::json out = data;
    out["name"] = out.value("title", "");
    out.erase("title");
    return out;
  });
  // v2 -> v3: `previous_name` was added; unknown for old events.
  catalog.add_upcaster("ExampleRenamed", 2, [](const nlohmann::json& data) {
    nlohmann::json out = data;
    out["previous_name"] = nullptr;
    return out;
  });
  catalog.add("ExampleCreated", 1);
  return catalog;
}

}  // namespace

BOOST_AUTO_TEST_CASE(stored_v1_fixture_is_upcast_to_the_current_schema) {
  auto stored = decode_stored_event(kExampleRenamedV1);
  BOOST_REQUIRE(stored.has_value());
  BOOST_TEST(stored->schema == 1);

  EventCatalog catalog = example_catalog();
  auto data = catalog.upcast(stored->type, stored->schema, stored->data);
  BOOST_REQUIRE(data.ok());
  BOOST_TEST(*data == nlohmann::json({{"name", "New name"}, {"previous_name", nullptr}}));
}

BOOST_AUTO_TEST_CASE(current_schema_passes_through_unchanged) {
  EventCatalog catalog = example_catalog();
  nlohmann::json data = {{"name", "x"}, {"previous_name", "y"}};
  auto same = catalog.upcast("ExampleRenamed", 3, data);
  BOOST_REQUIRE(same.ok());
  BOOST_TEST(*same == data);
  auto created = catalog.upcast("ExampleCreated", 1, {{"a", 1}});
  BOOST_REQUIRE(created.ok());
  BOOST_TEST((*created)["a"] == 1);
}

BOOST_AUTO_TEST_CASE(unknown_types_future_schemas_and_gaps_are_errors) {
  EventCatalog catalog = example_catalog();
  BOOST_TEST(catalog.knows("ExampleRenamed"));
  BOOST_TEST(!catalog.knows("Nope"));
  BOOST_TEST(catalog.current_schema("ExampleRenamed") == 3);
  BOOST_TEST(!catalog.upcast("Nope", 1, {}).ok());
  BOOST_TEST(!catalog.upcast("ExampleRenamed", 4, {}).ok());
  BOOST_TEST(!catalog.upcast("ExampleRenamed", 0, {}).ok());

  catalog.add("Gappy", 3);
  catalog.add_upcaster("Gappy", 2, [](const nlohmann::json& d) { return d; });
  auto gap = catalog.upcast("Gappy", 1, {});
  BOOST_REQUIRE(!gap.ok());
  BOOST_TEST(gap.error().detail.find("from schema 1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_throwing_upcaster_becomes_an_error) {
  EventCatalog catalog;
  catalog.add("Strict", 2);
  catalog.add_upcaster("Strict", 1, [](const nlohmann::json& d) {
    return nlohmann::json(d.at("missing"));  // throws out_of_range
  });
  BOOST_TEST(!catalog.upcast("Strict", 1, nlohmann::json::object()).ok());
  BOOST_TEST(catalog.names().size() == 1u);
}
