// accountd's command line: help, bad flags and values, unusable data directories.
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <regex>

#include "integration/server_process.h"

using namespace closient::testing;

namespace {

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A bad command line prints exactly one line on stderr and exits 2.
void expect_usage_error(const std::vector<std::string>& args, const std::string& mention) {
  const CommandResult result = run_accountd(args);
  BOOST_TEST(result.exit_code == 2);
  BOOST_TEST(line_count(result.err) == 1u, result.err);
  BOOST_TEST(result.err.find(mention) != std::string::npos, result.err);
  BOOST_TEST(result.out.empty());
}

}  // namespace

BOOST_AUTO_TEST_CASE(help_prints_usage_and_exits_0) {
  const CommandResult result = run_accountd({"--help"});
  BOOST_TEST(result.exit_code == 0);
  BOOST_TEST(result.out.find("usage: accountd") == 0u);
  for (const char* flag : {"--data", "--listen", "--threads", "--sync", "--cors-origin",
                           "--bootstrap-demo", "--version"}) {
    BOOST_TEST(result.out.find(flag) != std::string::npos, flag);
  }
  BOOST_TEST(result.err.empty());
}

BOOST_AUTO_TEST_CASE(bad_flags_and_values_exit_2_with_one_line) {
  expect_usage_error({"--bogus"}, "unknown argument '--bogus'");
  expect_usage_error({"extra"}, "unknown argument 'extra'");
  expect_usage_error({"--threads", "0"}, "--threads");
  expect_usage_error({"--threads=many"}, "--threads");
  expect_usage_error({"--sync", "sometimes"}, "--sync");
  expect_usage_error({"--listen", "nowhere"}, "--listen");
  expect_usage_error({"--listen", "127.0.0.1:70000"}, "--listen");
  expect_usage_error({"--data"}, "--data needs a value");
  expect_usage_error({"--cors-origin", "app.example.com"}, "--cors-origin");
  expect_usage_error({"--cors-origin=https://app.example.com/"}, "--cors-origin");
  expect_usage_error({"--cors-origin"}, "--cors-origin needs a value");
}

BOOST_AUTO_TEST_CASE(version_names_the_version_and_the_commit) {
  for (const CommandResult& result :
       {run_accountd({"--version"}), closient::testing::run_accountctl({"--version"})}) {
    BOOST_TEST(result.exit_code == 0);
    // "accountd 1.0.0 (commit 0dcb2ec1f3a4)"; packaging.install_and_version checks
    // that the commit is the source tree's.
    static const std::regex line(
        R"(^account(d|ctl) [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{7,40}(-dirty)?|unknown)\)\n$)");
    BOOST_TEST(std::regex_match(result.out, line), result.out);
    BOOST_TEST(result.err.empty());
  }
}

BOOST_AUTO_TEST_CASE(a_data_path_that_is_a_file_exits_1) {
  TempDir scratch;
  const std::string file = scratch.path() + "/not-a-dir";
  std::ofstream(file) << "x";
  const CommandResult result = run_accountd({"--data", file, "--listen", "127.0.0.1:0"});
  BOOST_TEST(result.exit_code == 1);
  BOOST_TEST(line_count(result.err) == 1u, result.err);
  BOOST_TEST(result.err.find(file) != std::string::npos, result.err);
}

BOOST_AUTO_TEST_CASE(a_data_directory_that_cannot_be_created_exits_1) {
  TempDir scratch;
  const std::string file = scratch.path() + "/file";
  std::ofstream(file) << "x";
  const CommandResult result =
      run_accountd({"--data", file + "/below/a/file", "--listen", "127.0.0.1:0"});
  BOOST_TEST(result.exit_code == 1);
  BOOST_TEST(line_count(result.err) == 1u, result.err);
  BOOST_TEST(result.err.find("cannot create data directory") != std::string::npos, result.err);
}

BOOST_AUTO_TEST_CASE(a_data_directory_in_use_exits_1) {
  ServerProcess first;
  const CommandResult second =
      run_accountd({"--data", first.data_dir(), "--listen", "127.0.0.1:0"});
  BOOST_TEST(second.exit_code == 1);
  BOOST_TEST(line_count(second.err) == 1u, second.err);
  BOOST_TEST(second.err.find("in use") != std::string::npos, second.err);
  BOOST_TEST(first.stop() == 0);
}

BOOST_AUTO_TEST_CASE(a_port_in_use_exits_1) {
  ServerProcess first;
  TempDir other_data;
  const CommandResult second = run_accountd(
      {"--data", other_data.path(), "--listen", "127.0.0.1:" + std::to_string(first.port())});
  BOOST_TEST(second.exit_code == 1);
  BOOST_TEST(line_count(second.err) == 1u, second.err);
  BOOST_TEST(second.err.find("cannot listen") != std::string::npos, second.err);
  BOOST_TEST(first.stop() == 0);
}

BOOST_AUTO_TEST_CASE(flags_take_the_equals_form_too) {
  ServerProcess server({"--threads=3", "--sync=never"});
  BOOST_TEST(server.get("/healthz").status == 200);
  BOOST_TEST(server.stop() == 0);
}
