// Hostile clients against the real accountd: descriptor exhaustion, memory held
// before authentication, requests the parser cannot read, idle and slow
// connections, pipelined garbage. Other clients must be served throughout.
#include <sys/resource.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "integration/raw_client.h"
#include "integration/server_process.h"

using namespace closient::testing;

namespace {

// accountd started through `sh -c 'ulimit ...; exec accountd ...'`, so that its
// descriptor limit (soft and hard) is the one given.
class LimitedServer {
 public:
  LimitedServer(const std::string& ulimit, const std::vector<std::string>& extra_args = {}) {
    std::vector<std::string> argv = {
        "/bin/sh",     "-c",         "ulimit " + ulimit + " && exec \"$0\" \"$@\"",
        ACCOUNTD_PATH, "--data",     scratch_.sub("data"),
        "--listen",    "127.0.0.1:0"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    child_ = std::make_unique<ChildProcess>(argv, scratch_.sub("stderr"));
    const std::optional<std::string> line = child_->read_line(15s);
    const std::string prefix = "listening on http://127.0.0.1:";
    if (!line || line->rfind(prefix, 0) != 0) {
      throw std::runtime_error("accountd did not start: " + read_file(scratch_.sub("stderr")));
    }
    port_ = static_cast<uint16_t>(std::stoi(line->substr(prefix.size())));
  }
  ~LimitedServer() {
    child_->signal(SIGTERM);
    child_->wait(20s);
  }

  uint16_t port() const { return port_; }
  pid_t pid() const { return child_->pid(); }
  std::string stderr_text() const { return read_file(scratch_.sub("stderr")); }

 private:
  TempDir scratch_;
  std::unique_ptr<ChildProcess> child_;
  uint16_t port_ = 0;
};

// A line of /proc/PID/status or /proc/PID/limits starting with `prefix`.
std::string proc_line(pid_t pid, const std::string& file, const std::string& prefix) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return {};
}

std::size_t resident_kib(pid_t pid) {
  const std::string line = proc_line(pid, "status", "VmRSS:");
  return line.empty() ? 0 : std::stoul(line.substr(6));
}

// Bytes received on the server's side of its connections that it has not read
// yet (the rx_queue of every socket bound to `port` in /proc/net/tcp).
std::size_t unread_by_server(uint16_t port) {
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // header
  std::size_t unread = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues;
    fields >> slot >> local >> remote >> state >> queues;
    const std::size_t colon = local.find(':');
    if (colon == std::string::npos || std::stoul(local.substr(colon + 1), nullptr, 16) != port) {
      continue;
    }
    unread += std::stoul(queues.substr(queues.find(':') + 1), nullptr, 16);
  }
  return unread;
}

nlohmann::json problem_of(const std::string& raw) {
  BOOST_TEST(raw.find("Content-Type: application/problem+json") != std::string::npos);
  return nlohmann::json::parse(body_of_raw(raw), nullptr, false);
}

// Keeps asking /healthz on fresh connections while an attack runs; counts misses.
class Bystander {
 public:
  explicit Bystander(uint16_t port)
      : thread_([this, port] {
          while (!stop_) {
            ++asked_;
            if (http_request(port, "GET", "/healthz", {}, {}, 10s).status != 200) ++missed_;
            std::this_thread::sleep_for(20ms);
          }
        }) {}
  ~Bystander() { finish(); }
  void finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int asked() const { return asked_; }
  int missed() const { return missed_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> asked_{0};
  std::atomic<int> missed_{0};
  std::thread thread_;
};

const std::string kPreferences = "/account/api/v1/preferences";

std::string put_head(std::size_t content_length) {
  return "PUT " + kPreferences +
         " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(content_length) + "\r\n\r\n";
}

// The value of an unlabelled metric in a /metrics body, or -1.
double metric_value(const std::string& metrics, const std::string& name) {
  const std::size_t at = metrics.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::atof(metrics.c_str() + at + name.size() + 2);
}

}  // namespace

// Item 1: RESTinio's accept loop ended on the first EMFILE; nothing was accepted
// again even after every descriptor was free.
BOOST_AUTO_TEST_CASE(after_descriptors_run_out_the_listener_serves_again_by_itself) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{},  // the default cap, derived from the limit
        std::vector<std::string>{"--max-connections", "1000"}}) {  // a cap beyond it
    BOOST_TEST_CONTEXT("accountd " << (args.empty() ? "(default cap)" : "--max-connections 1000")) {
      LimitedServer server("-n 64", args);
      BOOST_REQUIRE(serves_again_within(server.port(), 5s));
      std::vector<RawConnection> idle;
      for (int i = 0; i < 150; ++i) idle.emplace_back(server.port());
      // Let the server take all it can: its descriptors run out (or its cap is reached).
      std::this_thread::sleep_for(500ms);
      idle.clear();
      BOOST_TEST(serves_again_within(server.port(), 15s));
      for (int i = 0; i < 20; ++i)
        BOOST_TEST(http_request(server.port(), "GET", "/healthz").status == 200);
      // /metrics shows the cap in force (the one given, or one below the limit
      // of 64) and, with a cap beyond the limit, that accepting waited for descriptors.
      const std::string metrics = http_request(server.port(), "GET", "/metrics").body;
      const double cap = metric_value(metrics, "http_connections_max");
      BOOST_TEST((args.empty() ? cap > 0 && cap < 32 : cap == 1000), "cap " << cap);
      if (!args.empty()) {
        BOOST_TEST(metric_value(metrics, "http_accept_descriptor_waits_total") +
                           metric_value(metrics, "http_accepts_restarted_total") >
                       0,
                   metrics);
      }
      BOOST_TEST(metric_value(metrics, "http_connections_open") >= 1);  // this scrape's own
    }
  }
}

BOOST_AUTO_TEST_CASE(the_soft_descriptor_limit_is_raised_to_the_hard_one_at_start) {
  rlimit limit{};
  BOOST_REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
  BOOST_REQUIRE(limit.rlim_max > 256);
  LimitedServer server("-S -n 256");
  const std::string line = proc_line(server.pid(), "limits", "Max open files");
  std::istringstream words(line.substr(std::string("Max open files").size()));
  std::string soft, hard;
  words >> soft >> hard;
  BOOST_TEST(soft == hard);
  BOOST_TEST(soft != "256");
}

// Item 2: each connection could make the server hold up to 1 MiB of body before
// any credential was looked at (RESTinio reserved the declared length at once).
BOOST_AUTO_TEST_CASE(a_body_over_the_limit_is_not_held_in_memory) {
  ServerProcess server;
  BOOST_REQUIRE(server.get("/healthz").status == 200);
  const std::size_t before_kib = resident_kib(server.pid());
  std::vector<RawConnection> senders;
  const std::string part(900 * 1024, ' ');
  for (int i = 0; i < 100; ++i) {
    senders.emplace_back(server.port());
    BOOST_REQUIRE(senders.back().send(put_head(1000000) + part));
  }
  // Wait until the server has read every byte sent (none left in its sockets).
  for (int i = 0; i < 300 && unread_by_server(server.port()) > 0; ++i) {
    std::this_thread::sleep_for(50ms);
  }
  BOOST_REQUIRE(unread_by_server(server.port()) == 0u);
  const std::size_t after_kib = resident_kib(server.pid());
  // 100 bodies of 900 KiB buffered would be 90 MB; read and dropped they cost the
  // connections' own few KiB (more under AddressSanitizer, which keeps freed memory
  // quarantined for a while): well under half of that.
  BOOST_TEST(after_kib < before_kib + 40 * 1024,
             "resident " << before_kib << " -> " << after_kib << " KiB");
  // Each is answered 413 once it is all there, on a connection that stays usable.
  RawConnection& first = senders.front();
  BOOST_REQUIRE(first.send(std::string(1000000 - part.size(), ' ')));
  const std::string answer = first.receive_response(10s);
  BOOST_TEST(status_of(answer) == 413);
  BOOST_TEST(problem_of(answer)["error_code"] == "payload_too_large");
}

// Item 12: each of these used to close the connection without a word.
BOOST_AUTO_TEST_CASE(a_malformed_request_line_is_answered_400) {
  ServerProcess server;
  for (const std::string& request :
       {std::string("GARBAGE\r\n\r\n"), std::string("GET /healthz HTTP/9.x\r\n\r\n"),
        std::string("GET /a b c HTTP/1.1\r\n\r\n"),
        std::string("GET /healthz HTTP/1.1\r\nBad\x01Name: x\r\n\r\n"),
        std::string("POST /x HTTP/1.1\r\nContent-Length: abc\r\n\r\n")}) {
    BOOST_TEST_CONTEXT(request) {
      RawConnection connection(server.port());
      BOOST_REQUIRE(connection.send(request));
      const std::string answer = connection.receive(10s);
      BOOST_TEST(status_of(answer) == 400);
      const nlohmann::json problem = problem_of(answer);
      BOOST_TEST(problem["error_code"] == "bad_request");
      BOOST_TEST(problem["status"] == 400);
      BOOST_TEST(problem["retryable"] == false);
      BOOST_TEST(answer.find("X-Request-ID: ") != std::string::npos);
      BOOST_TEST(answer.find("Connection: close") != std::string::npos);
      BOOST_TEST(connection.closed_by_peer());
    }
  }
  BOOST_TEST(server.get("/healthz").status == 200);
}

BOOST_AUTO_TEST_CASE(a_header_section_over_the_limit_is_answered_431) {
  ServerProcess server;
  const std::string big_field = "X-Filler: " + std::string(20 * 1024, 'a') + "\r\n";
  std::string many_fields;
  for (int i = 0; i < 150; ++i) many_fields += "X-F" + std::to_string(i) + ": v\r\n";
  const std::string long_target = "/healthz?" + std::string(20 * 1024, 'q');
  for (const std::string& request : {"GET /healthz HTTP/1.1\r\nHost: x\r\n" + big_field + "\r\n",
                                     "GET /healthz HTTP/1.1\r\nHost: x\r\n" + many_fields + "\r\n",
                                     "GET " + long_target + " HTTP/1.1\r\nHost: x\r\n\r\n"}) {
    RawConnection connection(server.port());
    BOOST_REQUIRE(connection.send(request));
    const std::string answer = connection.receive(10s);
    BOOST_TEST(status_of(answer) == 431);
    BOOST_TEST(answer.find("431 Request Header Fields Too Large") != std::string::npos);
    const nlohmann::json problem = problem_of(answer);
    BOOST_TEST(problem["error_code"] == "request_header_fields_too_large");
    BOOST_TEST(problem["status"] == 431);
  }
  // A header section just under the limit is served.
  const std::string fits = std::string(12 * 1024, 'b');
  BOOST_TEST(server.get("/healthz", {{"X-Filler", fits}}).status == 200);
}

BOOST_AUTO_TEST_CASE(a_body_over_the_limit_is_answered_413_however_it_is_sent) {
  ServerProcess server;
  {
    // Declared and sent (100 KiB): read, dropped, answered; the connection goes on.
    RawConnection connection(server.port());
    BOOST_REQUIRE(connection.send(put_head(100 * 1024) + std::string(100 * 1024, ' ')));
    const std::string answer = connection.receive_response(10s);
    BOOST_TEST(status_of(answer) == 413);
    BOOST_TEST(problem_of(answer)["error_code"] == "payload_too_large");
    BOOST_TEST(answer.find("Connection: close") == std::string::npos);
    BOOST_REQUIRE(connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    BOOST_TEST(status_of(connection.receive_response(10s)) == 200);
  }
  {
    // Declared far over the limit: answered at once, without waiting for the body.
    RawConnection connection(server.port());
    BOOST_REQUIRE(connection.send(put_head(10 * 1024 * 1024)));
    const std::string answer = connection.receive(10s);
    BOOST_TEST(status_of(answer) == 413);
    BOOST_TEST(problem_of(answer)["error_code"] == "payload_too_large");
    BOOST_TEST(connection.closed_by_peer());
  }
  {
    // Chunked, with no declared length.
    RawConnection connection(server.port());
    std::string request = "PUT " + kPreferences +
                          " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 70; ++i) request += "400\r\n" + std::string(1024, ' ') + "\r\n";
    request += "0\r\n\r\n";
    BOOST_REQUIRE(connection.send(request));
    const std::string answer = connection.receive(10s);
    BOOST_TEST(status_of(answer) == 413);
    BOOST_TEST(problem_of(answer)["error_code"] == "payload_too_large");
  }
  BOOST_TEST(server.get("/healthz").status == 200);
}

BOOST_AUTO_TEST_CASE(many_idle_connections_do_not_keep_others_out) {
  ServerProcess server;
  Bystander bystander(server.port());
  std::vector<RawConnection> idle;
  for (int i = 0; i < 300; ++i) idle.emplace_back(server.port());
  for (int i = 0; i < 20; ++i) BOOST_TEST(server.get("/healthz").status == 200);
  bystander.finish();
  BOOST_TEST(bystander.asked() > 0);
  BOOST_TEST(bystander.missed() == 0);
}

BOOST_AUTO_TEST_CASE(at_the_connection_cap_idle_connections_are_cut_and_others_get_in) {
  ServerProcess server({"--max-connections", "8", "--read-timeout", "2"});
  std::vector<RawConnection> idle;
  for (int i = 0; i < 20; ++i) idle.emplace_back(server.port());
  // Only 8 are taken; each is dropped once it has sent nothing for 2 s, and the
  // next in line is taken: a client behind them all is served in the end.
  const HttpResponse late = http_request(server.port(), "GET", "/healthz", {}, {}, 30s);
  BOOST_TEST(late.status == 200);
}

BOOST_AUTO_TEST_CASE(a_slow_sender_is_cut_off_and_others_are_served_meanwhile) {
  ServerProcess server({"--read-timeout", "2"});
  Bystander bystander(server.port());
  RawConnection slow(server.port());
  BOOST_REQUIRE(slow.send("GET /healthz HTTP/1.1\r\n"));
  // One header byte every 200 ms: never a complete request.
  bool cut_off = false;
  for (int i = 0; i < 100 && !cut_off; ++i) {
    if (!slow.send("X")) cut_off = true;
    slow.receive(200ms);
    cut_off = cut_off || slow.closed_by_peer();
  }
  BOOST_TEST(cut_off);
  bystander.finish();
  BOOST_TEST(bystander.asked() > 0);
  BOOST_TEST(bystander.missed() == 0);
}

BOOST_AUTO_TEST_CASE(pipelined_garbage_is_answered_in_order_then_the_connection_closed) {
  ServerProcess server;
  Bystander bystander(server.port());
  RawConnection connection(server.port());
  BOOST_REQUIRE(
      connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                      "\x01\x02 NONSENSE \xff\xfe\r\n\r\nGET /healthz HTTP/1.1\r\n\r\n"));
  const std::string answers = connection.receive(10s);
  std::vector<int> statuses;
  for (std::size_t at = answers.find("HTTP/1.1 "); at != std::string::npos;
       at = answers.find("HTTP/1.1 ", at + 1)) {
    statuses.push_back(status_of(answers.substr(at)));
  }
  BOOST_TEST(statuses == (std::vector<int>{200, 200, 400}), boost::test_tools::per_element());
  BOOST_TEST(connection.closed_by_peer());
  // Oversized bodies and headers, meanwhile, on other connections.
  for (int i = 0; i < 10; ++i) {
    RawConnection big(server.port());
    big.send("GET / HTTP/1.1\r\nX: " + std::string(64 * 1024, 'z') + "\r\n\r\n");
    BOOST_TEST(status_of(big.receive(10s)) == 431);
  }
  bystander.finish();
  BOOST_TEST(bystander.missed() == 0);
}
