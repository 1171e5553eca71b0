// The §5 page envelope, as a property: for every combination of page, page_size
// and total_count in a grid (plus pseudo-random and extreme ones), every member
// of the envelope equals what counting the pages one by one says it should be.
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <random>
#include <vector>

#include "projections/pagination.h"

using namespace closient;

namespace {

// What a client counting pages by hand sees: page p (from 1) holds the entries
// [(p-1)*size, p*size) of the collection.
struct Expected {
  uint64_t total_pages = 0;
  bool has_next = false;
  bool has_previous = false;
};

bool page_holds_entries(uint64_t page, uint64_t size, uint64_t total) {
  return page >= 1 && (page - 1) <= (total - 1) / size && total > 0;
}

Expected count_by_hand(uint64_t page, uint64_t size, uint64_t total) {
  Expected e;
  e.total_pages = total == 0 ? 0 : (total - 1) / size + 1;
  // A next page exists when the page after this one holds entries; a previous
  // page when any page before this one does, which is page 1 whenever any does.
  e.has_next = page_holds_entries(page + 1, size, total);
  e.has_previous = page > 1 && page_holds_entries(1, size, total);
  return e;
}

void check(uint64_t page, uint64_t size, uint64_t total) {
  const nlohmann::json data = nlohmann::json::array({"marker"});
  const nlohmann::json envelope = page_envelope(data, PageRequest{page, size}, total);
  const Expected e = count_by_hand(page, size, total);
  BOOST_TEST_CONTEXT("page " << page << ", page_size " << size << ", total " << total << ": "
                             << envelope.dump()) {
    BOOST_TEST_REQUIRE(envelope.size() == 2u);
    BOOST_TEST(envelope["data"] == data);
    const nlohmann::json& p = envelope["pagination"];
    BOOST_TEST_REQUIRE(p.size() == 6u);
    BOOST_TEST(p["page"].is_number_unsigned());
    BOOST_TEST(p["page"].get<uint64_t>() == page);
    BOOST_TEST(p["page_size"].get<uint64_t>() == size);
    BOOST_TEST(p["total_count"].get<uint64_t>() == total);
    BOOST_TEST(p["total_pages"].get<uint64_t>() == e.total_pages);
    BOOST_TEST(p["has_next"].is_boolean());
    BOOST_TEST(p["has_next"].get<bool>() == e.has_next);
    BOOST_TEST(p["has_previous"].is_boolean());
    BOOST_TEST(p["has_previous"].get<bool>() == e.has_previous);
    // The contract's own sentences, stated separately.
    if (total == 0) {
      BOOST_TEST(p["total_pages"].get<uint64_t>() == 0u);
      BOOST_TEST(!p["has_previous"].get<bool>());
      BOOST_TEST(!p["has_next"].get<bool>());
    }
    if (page == 1) BOOST_TEST(!p["has_previous"].get<bool>());
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_small_combination_counts_its_pages) {
  for (uint64_t size : {1u, 2u, 3u, 7u, 10u, 25u, 99u, 100u}) {
    for (uint64_t total = 0; total <= 260; ++total) {
      for (uint64_t page = 1; page <= 30; ++page) check(page, size, total);
    }
  }
}

BOOST_AUTO_TEST_CASE(an_empty_collection_has_no_previous_page_on_any_page) {
  for (uint64_t page :
       {uint64_t{1}, uint64_t{2}, uint64_t{3}, uint64_t{1000}, (uint64_t{1} << 53) - 1}) {
    const nlohmann::json p =
        page_envelope(nlohmann::json::array(), PageRequest{page, 25}, 0)["pagination"];
    BOOST_TEST(p["total_pages"] == 0);
    BOOST_TEST(p["has_previous"] == false, "page " << page);
    BOOST_TEST(p["has_next"] == false, "page " << page);
  }
}

BOOST_AUTO_TEST_CASE(random_and_extreme_combinations_count_their_pages) {
  std::mt19937_64 random(20261201);  // fixed: a failure reproduces
  std::uniform_int_distribution<uint64_t> sizes(1, 100);
  std::uniform_int_distribution<uint64_t> totals(0, 1000000);
  for (int i = 0; i < 20000; ++i) {
    const uint64_t size = sizes(random);
    const uint64_t total = totals(random);
    const uint64_t pages = total == 0 ? 1 : (total - 1) / size + 1;
    // Pages around the last one, and anywhere up to a little past it.
    std::uniform_int_distribution<uint64_t> any_page(1, pages + 3);
    check(any_page(random), size, total);
    check(pages, size, total);
    check(pages + 1, size, total);
  }
  const uint64_t max_page = (uint64_t{1} << 53) - 1;  // the largest page http accepts
  for (uint64_t total : {uint64_t{0}, uint64_t{1}, uint64_t{100}, uint64_t{1} << 40}) {
    check(max_page, 100, total);
    check(max_page, 1, total);
  }
}
