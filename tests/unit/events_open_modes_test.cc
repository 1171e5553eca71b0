#include <spawn.h>
#include <sys/wait.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "events/rocks_event_log.h"
#include "events_test_support.h"

extern char** environ;

using namespace closient;
using namespace closient::testing;

namespace {

LogOptions mode(OpenMode m) {
  LogOptions options;
  options.mode = m;
  return options;
}

std::unique_ptr<RocksEventLog> open_log(const std::string& dir, LogOptions options = {}) {
  auto log = RocksEventLog::open(dir, std::move(options));
  BOOST_REQUIRE_MESSAGE(log.ok(), (log.ok() ? "" : log.error().detail));
  return std::move(log).value();
}

const char kHelperDir[] = "EVENTS_TEST_OPEN_DIR";
const char kHelperOut[] = "EVENTS_TEST_OPEN_OUT";

}  // namespace

// Runs only as a child process started by the test below: tries a read-write
// open and writes what happened to a file.
BOOST_AUTO_TEST_CASE(helper_second_process_opens_read_write, *boost::unit_test::disabled()) {
  const char* dir = std::getenv(kHelperDir);
  const char* out = std::getenv(kHelperOut);
  if (!dir || !out) return;
  auto log = RocksEventLog::open(dir);
  std::ofstream(out) << (log.ok() ? std::string("opened") : log.error().detail);
}

BOOST_AUTO_TEST_CASE(a_second_read_write_open_is_refused_with_a_clear_message) {
  TempDir dir;
  auto log = open_log(dir.sub("data"));

  auto again = RocksEventLog::open(dir.sub("data"));
  BOOST_REQUIRE(!again.ok());
  BOOST_TEST(again.error().detail.find("data directory " + dir.sub("data") +
                                       " is in use by another process") == 0u);

  // The same from another process.
  std::string out = dir.sub("helper.out");
  std::string env_dir = std::string(kHelperDir) + "=" + dir.sub("data");
  std::string env_out = std::string(kHelperOut) + "=" + out;
  std::vector<char*> env;
  for (char** e = environ; *e; ++e) env.push_back(*e);
  env.push_back(env_dir.data());
  env.push_back(env_out.data());
  env.push_back(nullptr);
  std::string self = "/proc/self/exe";
  std::string run = "--run_test=helper_second_process_opens_read_write";
  std::string quiet = "--log_level=nothing";
  std::string no_report = "--report_level=no";
  char* argv[] = {self.data(), run.data(), quiet.data(), no_report.data(), nullptr};
  pid_t child = 0;
  BOOST_REQUIRE(posix_spawn(&child, self.c_str(), nullptr, nullptr, argv, env.data()) == 0);
  int status = 0;
  BOOST_REQUIRE(waitpid(child, &status, 0) == child);
  std::ifstream in(out);
  std::string said((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BOOST_TEST(said.find("is in use by another process") != std::string::npos, said);
}

BOOST_AUTO_TEST_CASE(a_secondary_reads_while_the_writer_runs_and_catches_up) {
  TempDir dir;
  auto writer = open_log(dir.str());
  BOOST_REQUIRE(writer->append(append_to("org-1", ExpectedVersion::any(), {event("A")})).ok());
  BOOST_REQUIRE(writer->side_put("key_usage", {{"k", "1"}}).ok());

  auto reader = open_log(dir.str(), mode(OpenMode::secondary));
  BOOST_TEST(reader->last_position() == 1u);
  BOOST_TEST(reader->read_stream("org-1")->size() == 1u);
  BOOST_TEST(reader->side_get("key_usage", "k").value_or("") == "1");

  for (const char* type : {"B", "C"}) {
    const uint64_t before = reader->last_position();
    BOOST_REQUIRE(writer->append(append_to("org-1", ExpectedVersion::any(), {event(type)})).ok());
    BOOST_TEST(reader->last_position() == before);  // a fixed view until catch_up()
    BOOST_TEST(reader->catch_up().ok());
    BOOST_TEST(reader->last_position() == before + 1);
  }
  BOOST_TEST(reader->last_position() == 3u);
  BOOST_TEST(reader->read_stream("org-1")->size() == 3u);
  BOOST_TEST(*reader->stream_version("org-1") == 3u);
  BOOST_TEST(reader->verify_chain().problem == "");

  auto refused = reader->append(append_to("org-1", ExpectedVersion::any(), {event("D")}));
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.error().detail == "the event log is open read-only");
  BOOST_TEST(!reader->side_put("key_usage", {{"a", "b"}}).ok());
}

BOOST_AUTO_TEST_CASE(read_only_opens_a_log_no_one_writes) {
  TempDir dir;
  {
    auto writer = open_log(dir.str());
    BOOST_REQUIRE(writer->append(append_to("org-1", ExpectedVersion::any(), {event("A")})).ok());
  }
  auto a = open_log(dir.str(), mode(OpenMode::read_only));
  auto b = open_log(dir.str(), mode(OpenMode::read_only));
  BOOST_TEST(a->last_position() == 1u);
  BOOST_TEST(b->verify_chain().events_checked == 1u);
  BOOST_TEST(!a->append(append_to("org-1", ExpectedVersion::any(), {event("B")})).ok());
}

BOOST_AUTO_TEST_CASE(reading_modes_do_not_create_a_log) {
  TempDir dir;
  for (OpenMode m : {OpenMode::read_only, OpenMode::secondary}) {
    auto log = RocksEventLog::open(dir.sub("missing"), mode(m));
    BOOST_REQUIRE(!log.ok());
    BOOST_TEST((log.error().code == ErrorCode::not_found));
    BOOST_TEST(log.error().detail == "no event log in " + dir.sub("missing"));
  }
}
