#include <boost/test/unit_test.hpp>

#include "events/result.h"

using namespace closient;

BOOST_AUTO_TEST_CASE(error_codes_map_to_contract_statuses) {
  BOOST_TEST(error_code_status(ErrorCode::validation_error) == 422);
  BOOST_TEST(std::string(error_code_name(ErrorCode::rate_limited)) == "rate_limited");
  BOOST_TEST(error_code_status(ErrorCode::payload_too_large) == 413);
}

BOOST_AUTO_TEST_CASE(result_holds_value_or_error) {
  Result<int> good = 7;
  Result<int> bad = Error::make(ErrorCode::conflict, "taken", "last_owner");
  BOOST_TEST(good.ok());
  BOOST_TEST(*good == 7);
  BOOST_TEST(!bad.ok());
  BOOST_TEST(bad.error().reason == "last_owner");
}
