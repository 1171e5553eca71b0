// The one translation unit that defines Boost.Test's module, and so its main();
// linked into every test binary.
#define BOOST_TEST_MODULE account_tests
#include <boost/test/unit_test.hpp>
