// A failing disk under a running accountd (its test-only fault file, see
// tools/accountd/fault_file.h): writes answer 503 service_unavailable, marked
// retryable; reads go on; writes resume once the disk is healthy, and the log
// stays whole (accountctl verify). A disk that fails at start is one line on
// stderr and exit status 1, not a crash.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "integration/server_process.h"

using namespace closient::testing;
using json = nlohmann::json;

namespace {

const std::string kBase = "/account/api/v1";

// Sets ACCOUNTD_TEST_FAULT_FILE for the servers started while it lives.
class FaultFile {
 public:
  explicit FaultFile(std::string path) : path_(std::move(path)) {
    set("none");
    ::setenv("ACCOUNTD_TEST_FAULT_FILE", path_.c_str(), 1);
  }
  ~FaultFile() { ::unsetenv("ACCOUNTD_TEST_FAULT_FILE"); }
  FaultFile(const FaultFile&) = delete;
  FaultFile& operator=(const FaultFile&) = delete;

  // Switches the fault (whole, by rename) and waits for the server to read it
  // (every 50 ms).
  void set(const std::string& fault) {
    const std::string scratch = path_ + ".new";
    std::ofstream(scratch, std::ios::trunc) << fault << "\n";
    std::rename(scratch.c_str(), path_.c_str());
    std::this_thread::sleep_for(200ms);
  }

 private:
  std::string path_;
};

struct Bootstrapped {
  std::string key;
  std::string org;
};

Bootstrapped bootstrap(const std::string& data) {
  const CommandResult boot =
      run_accountctl({"--data", data, "--json", "bootstrap", "--email", "ann@example.com", "--org",
                      "Acme", "--country", "DE"});
  BOOST_REQUIRE_MESSAGE(boot.exit_code == 0, boot.err);
  const json out = json::parse(boot.out);
  return {out["api_key"], out["organization_id"]};
}

int total_members(const ServerProcess& server, const Bootstrapped& b) {
  const HttpResponse list =
      server.get(kBase + "/organizations/" + b.org + "/members", {{"X-API-Key", b.key}});
  BOOST_REQUIRE_MESSAGE(list.status == 200, list.body);
  return json::parse(list.body)["pagination"]["total_count"];
}

HttpResponse invite(const ServerProcess& server, const Bootstrapped& b, const std::string& email) {
  return server.request("POST", kBase + "/organizations/" + b.org + "/members",
                        {{"X-API-Key", b.key}, {"Content-Type", "application/json"}},
                        json{{"email", email}, {"role", "manager"}}.dump());
}

// The value of an unlabelled metric on /metrics, or -1.
double metric(const ServerProcess& server, const std::string& name) {
  const std::string text = server.get("/metrics").body;
  const std::size_t at = text.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::atof(text.c_str() + at + name.size() + 2);
}

// Whether account_log_writable reads 1 within `patience`.
bool writable_within(const ServerProcess& server, std::chrono::milliseconds patience) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  while (metric(server, "account_log_writable") != 1) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(100ms);
  }
  return true;
}

// A single line on stderr, starting "accountd: ".
bool one_line(const std::string& err) {
  return err.rfind("accountd: ", 0) == 0 && err.find('\n') == err.size() - 1;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_failing_disk_answers_503_reads_go_on_and_writes_resume) {
  TempDir scratch;
  const std::string data = scratch.sub("data");
  const Bootstrapped b = bootstrap(data);
  FaultFile fault(scratch.sub("fault"));
  {
    ServerProcess server({}, data);
    BOOST_REQUIRE(invite(server, b, "before@example.com").status == 200);
    BOOST_TEST(metric(server, "account_log_writable") == 1);

    for (const std::string kind : {"sync", "write", "disk-full", "read-only"}) {
      BOOST_TEST_CONTEXT("fault " << kind) {
        const int members_before = total_members(server, b);
        fault.set(kind);
        for (int i = 0; i < 3; ++i) {
          const HttpResponse failed = invite(server, b, "lost-" + kind + "@example.com");
          BOOST_TEST(failed.status == 503);
          BOOST_TEST(failed.header("Content-Type").value_or("") == "application/problem+json");
          const json problem = json::parse(failed.body, nullptr, false);
          BOOST_TEST(problem["error_code"] == "service_unavailable");
          BOOST_TEST(problem["retryable"] == true);
          // Nothing of the files or system errors behind it.
          BOOST_TEST(failed.body.find(data) == std::string::npos, failed.body);
        }
        BOOST_TEST(metric(server, "account_log_writable") == 0);
        BOOST_TEST(server.get("/readyz").status == 503);
        // Reads go on, and show nothing of the failed writes.
        BOOST_TEST(total_members(server, b) == members_before);
        BOOST_TEST(server.get(kBase + "/whoami", {{"X-API-Key", b.key}}).status == 200);
        BOOST_TEST(server
                       .get(kBase + "/organizations/" + b.org + "/events?limit=100",
                            {{"X-API-Key", b.key}})
                       .body.find("lost-" + kind) == std::string::npos);
        BOOST_TEST(server.get("/healthz").status == 200);

        fault.set("none");
        // The service notices by itself, before any write.
        BOOST_TEST(writable_within(server, 10s));
        BOOST_TEST(server.get("/readyz").status == 200);
        const HttpResponse resumed = invite(server, b, "after-" + kind + "@example.com");
        BOOST_TEST(resumed.status == 200, resumed.body);
        BOOST_TEST(metric(server, "account_log_writable") == 1);
        BOOST_TEST(total_members(server, b) == members_before + 1);
        // The same invitation, refused before, now goes through too.
        BOOST_TEST(invite(server, b, "lost-" + kind + "@example.com").status == 200);
        BOOST_TEST(total_members(server, b) == members_before + 2);
      }
    }
    BOOST_TEST(metric(server, "account_log_failed_total") >= 12);
    BOOST_TEST(server.stop() == 0);
    // The operator was told why, once per failure, and of each recovery.
    const std::string said = server.stderr_text();
    BOOST_TEST(said.find("injected fault: fsync failed") != std::string::npos);
    BOOST_TEST(said.find("the disk takes writes again") != std::string::npos);
  }
  // The log is whole: hash chain, stream versions, serving state equal to a replay.
  const CommandResult verified = run_accountctl({"--data", data, "verify"});
  BOOST_TEST(verified.exit_code == 0, verified.out << verified.err);
  // Each invitation refused while the disk failed is in the log: its retry.
  const CommandResult events = run_accountctl({"--data", data, "--json", "events"});
  BOOST_REQUIRE(events.exit_code == 0);
  for (const std::string kind : {"sync", "write", "disk-full", "read-only"}) {
    BOOST_TEST(events.out.find("\"lost-" + kind + "@example.com\"") != std::string::npos, kind);
  }
  // A restart replays the log: still nothing of the failures.
  ServerProcess again({}, data);
  BOOST_TEST(invite(again, b, "after-restart@example.com").status == 200);
  BOOST_TEST(total_members(again, b) == 1 + 1 + 4 * 2 + 1);
}

BOOST_AUTO_TEST_CASE(a_full_or_read_only_disk_at_start_is_one_line_and_status_1) {
  for (const std::string kind : {"disk-full", "read-only"}) {
    BOOST_TEST_CONTEXT("fault " << kind) {
      TempDir scratch;
      const std::string data = scratch.sub("data");
      bootstrap(data);
      for (const std::string& dir : {data, scratch.sub("fresh")}) {
        FaultFile fault(scratch.sub("fault"));
        fault.set(kind);
        const CommandResult started = run_accountd({"--data", dir, "--listen", "127.0.0.1:0"}, 20s);
        BOOST_TEST(started.exit_code == 1);
        BOOST_TEST(one_line(started.err), started.err);
      }
      // Unharmed: it starts on a healthy disk.
      ServerProcess server({}, data);
      BOOST_TEST(server.get("/healthz").status == 200);
    }
  }
  // A data directory that cannot be created at all (procfs is not writable).
  const CommandResult refused =
      run_accountd({"--data", "/proc/accountd-cannot-be-here/data", "--listen", "127.0.0.1:0"});
  BOOST_TEST(refused.exit_code == 1);
  BOOST_TEST(one_line(refused.err), refused.err);
}

BOOST_AUTO_TEST_CASE(a_data_directory_without_write_permission_is_one_line_and_status_1) {
  if (::geteuid() == 0) {
    BOOST_TEST_MESSAGE("skipped: root writes whatever the permissions");
    return;
  }
  TempDir scratch;
  const std::string data = scratch.sub("data");
  bootstrap(data);
  ::chmod(data.c_str(), 0500);
  const CommandResult started = run_accountd({"--data", data, "--listen", "127.0.0.1:0"}, 20s);
  ::chmod(data.c_str(), 0700);
  BOOST_TEST(started.exit_code == 1);
  BOOST_TEST(one_line(started.err), started.err);
}
