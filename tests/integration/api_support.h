// Shared pieces of the end-to-end API tests (tests/integration/api_*_test.cc):
// credentials as request headers, a JSON client for /account/api/v1, checks for
// the contract's body shapes (shortuuid ids, RFC 3339 timestamps, problem+json),
// and World: one real accountd with two organizations and a credential of every
// kind, prepared with accountctl and through the API itself.
#pragma once

#include <zlib.h>

#include <boost/test/unit_test.hpp>
#include <cctype>
#include <chrono>
#include <ctime>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "integration/server_process.h"

// Headers are optional strings; let BOOST_TEST print them.
namespace boost::test_tools::tt_detail {
template <>
struct print_log_value<std::optional<std::string>> {
  void operator()(std::ostream& out, const std::optional<std::string>& value) {
    out << (value ? "\"" + *value + "\"" : std::string("(absent)"));
  }
};
}  // namespace boost::test_tools::tt_detail

namespace api_test {

using closient::testing::HeaderList;
using closient::testing::HttpResponse;
using closient::testing::ServerProcess;
using closient::testing::TempDir;
using nlohmann::json;
using namespace std::chrono_literals;

inline constexpr char kBase[] = "/account/api/v1";

// ---------------------------------------------------------------------------
// Credentials

struct Credential {
  std::string label;
  HeaderList headers;        // what authenticates a request
  HeaderList write_headers;  // added on writes (a session's X-CSRF-Token)
};

inline Credential api_key(std::string label, const std::string& key) {
  return {std::move(label), {{"X-API-Key", key}}, {}};
}
inline Credential bearer(std::string label, const std::string& token) {
  return {std::move(label), {{"Authorization", "Bearer " + token}}, {}};
}
// A session; `csrf` is sent on writes when given.
inline Credential session(std::string label, const std::string& sessionid,
                          const std::string& csrf = {}) {
  Credential c{std::move(label), {{"Cookie", "sessionid=" + sessionid}}, {}};
  if (!csrf.empty()) c.write_headers.push_back({"X-CSRF-Token", csrf});
  return c;
}
inline const Credential kNobody{"nobody", {}, {}};

// ---------------------------------------------------------------------------
// Checks of the contract's shapes

inline bool is_shortuuid(const json& value) {
  static const std::string alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  if (!value.is_string()) return false;
  const std::string text = value.get<std::string>();
  if (text.size() != 22) return false;
  for (char c : text)
    if (alphabet.find(c) == std::string::npos) return false;
  return true;
}

inline bool is_timestamp(const json& value) {
  static const std::regex rfc3339(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$)");
  return value.is_string() && std::regex_match(value.get<std::string>(), rfc3339);
}

inline json body_of(const HttpResponse& response) {
  json body = json::parse(response.body, nullptr, false);
  BOOST_REQUIRE_MESSAGE(!body.is_discarded(),
                        "not JSON (status " << response.status << "): " << response.body);
  return body;
}

// A member of a JSON value, by value (safe to iterate over a temporary's member).
inline json part(json value, const std::string& name) {
  return value[name];
}

inline std::string path_only(const std::string& target) {
  return target.substr(0, target.find('?'));
}

// A problem+json answer of §6 with every member the contract names.
inline void expect_problem(const HttpResponse& response, int status, const std::string& code,
                           const std::string& target = {}) {
  BOOST_TEST_CONTEXT("answer: " << response.status << " " << response.body) {
    BOOST_TEST(response.status == status);
    BOOST_TEST(response.header("Content-Type").value_or("") == "application/problem+json");
    const json body = body_of(response);
    BOOST_TEST(body.value("type", "") == "https://closient.com/docs/errors/" + code);
    BOOST_TEST(body.value("title", "").size() > 0u);
    BOOST_TEST(body.value("status", 0) == status);
    BOOST_TEST(body.value("detail", "").size() > 0u);
    BOOST_TEST(body.value("error_code", "") == code);
    BOOST_TEST(body.contains("retryable"));
    BOOST_TEST(body.value("retryable", false) == (status == 429 || status >= 500));
    BOOST_TEST(is_timestamp(body.value("timestamp", json())));
    if (!target.empty()) BOOST_TEST(body.value("instance", "") == path_only(target));
    BOOST_TEST(body.value("instance", "").find("/") == 0u);
    BOOST_TEST(body.value("request_id", "") != "");
    BOOST_TEST(body.value("request_id", "") == response.header("X-Request-ID").value_or("<none>"));
    if (status == 422) {
      BOOST_TEST_REQUIRE(body.contains("errors"));
      BOOST_TEST(body["errors"].is_array());
      BOOST_TEST(body["errors"].size() > 0u);
      for (const json& e : body["errors"]) {
        BOOST_TEST(e.value("field", "") != "");
        BOOST_TEST(e.value("message", "") != "");
      }
    }
    if (status == 429) {
      BOOST_TEST(body.value("retry_after_seconds", 0) >= 1);
      BOOST_TEST(response.header("Retry-After").has_value());
    }
    if (status == 401) BOOST_TEST(response.header("WWW-Authenticate").value_or("") != "");
    // Every refusal names its rule with a stable machine reason.
    if (status == 403) BOOST_TEST(body.value("reason", "") != "");
  }
}

// A 422 whose `errors` name `field` (among others, perhaps).
inline void expect_invalid(const HttpResponse& response, const std::string& field,
                           const std::string& target = {}) {
  expect_problem(response, 422, "validation_error", target);
  if (response.status != 422) return;
  bool named = false;
  for (const json& e : part(body_of(response), "errors")) {
    // A field of an object may be named with its key, e.g. metadata.colour.
    const std::string named_field = e.value("field", "");
    named = named || named_field == field || named_field.rfind(field + ".", 0) == 0;
  }
  BOOST_TEST(named, "422 does not name '" << field << "': " << response.body);
}

inline void expect_organization(const json& org) {
  BOOST_TEST_CONTEXT("Organization " << org.dump()) {
    BOOST_TEST(org.size() == 6u);
    BOOST_TEST(is_shortuuid(org["id"]));
    BOOST_TEST(org["name"].is_string());
    BOOST_TEST(org["country"].is_string());
    BOOST_TEST(org["is_brand"].is_boolean());
    BOOST_TEST(org["require_reauth_to_delete"].is_boolean());
    BOOST_TEST(org["metadata"].is_object());
  }
}

inline void expect_member(const json& member) {
  static const std::map<std::string, std::string> display = {
      {"owner", "Owner"}, {"manager", "Manager"}, {"billing", "Billing"}, {"editor", "Editor"}};
  BOOST_TEST_CONTEXT("Member " << member.dump()) {
    BOOST_TEST(member.size() == 7u);
    BOOST_TEST(is_shortuuid(member["id"]));
    BOOST_TEST(is_shortuuid(member["user_id"]));
    BOOST_TEST(member["user_id"] != member["id"]);
    BOOST_TEST(member["user_email"].is_string());
    BOOST_TEST(member["user_name"].is_string());
    BOOST_TEST(member["user_metadata"].is_object());
    BOOST_TEST_REQUIRE(member["role"].is_string());
    BOOST_TEST_REQUIRE(display.count(member["role"].get<std::string>()) == 1u);
    BOOST_TEST(member["role_display"] == display.at(member["role"].get<std::string>()));
  }
}

inline void expect_api_key(const json& key, bool created = false) {
  BOOST_TEST_CONTEXT("APIKey " << key.dump()) {
    BOOST_TEST(key.size() == (created ? 14u : 13u));
    BOOST_TEST(is_shortuuid(key["id"]));
    BOOST_TEST(key["name"].is_string());
    BOOST_TEST(key["description"].is_string());
    BOOST_TEST((key["role"] == "manager" || key["role"] == "editor" || key["role"] == "readonly"));
    BOOST_TEST(
        (key["kind"] == "business" || key["kind"] == "publishable" || key["kind"] == "user"));
    BOOST_TEST(key["prefix"].is_string());
    BOOST_TEST(key.value("prefix", "").size() == 8u);
    BOOST_TEST(is_timestamp(key["created"]));
    BOOST_TEST((key["expires_at"].is_null() || is_timestamp(key["expires_at"])));
    BOOST_TEST((key["last_used"].is_null() || is_timestamp(key["last_used"])));
    BOOST_TEST(key["rate_limit_per_minute"].is_number_integer());
    BOOST_TEST(key["rate_limit_per_day"].is_number_integer());
    BOOST_TEST(key["metadata"].is_object());
    BOOST_TEST((key["created_by"].is_null() || is_shortuuid(key["created_by"])));
    if (created) BOOST_TEST(key["key"].is_string());
  }
}

// The §5 envelope; returns data.
inline json expect_page(const HttpResponse& response, int page, int page_size, int total_count) {
  BOOST_TEST_REQUIRE(response.status == 200, response.body);
  const json body = body_of(response);
  BOOST_TEST(body.size() == 2u);
  const json& p = body["pagination"];
  const int total_pages = (total_count + page_size - 1) / page_size;
  BOOST_TEST_CONTEXT("pagination " << p.dump()) {
    BOOST_TEST(p.size() == 6u);
    BOOST_TEST(p["page"] == page);
    BOOST_TEST(p["page_size"] == page_size);
    BOOST_TEST(p["total_count"] == total_count);
    BOOST_TEST(p["total_pages"] == total_pages);
    BOOST_TEST(p["has_next"] == (page < total_pages));
    BOOST_TEST(p["has_previous"] == (page > 1 && total_pages > 0));
  }
  BOOST_TEST_REQUIRE(body["data"].is_array());
  const int expected =
      page > total_pages ? 0 : std::min(page_size, total_count - (page - 1) * page_size);
  BOOST_TEST(static_cast<int>(body["data"].size()) == expected);
  return body["data"];
}

// The §2 key format: prefix, 32 alphanumerics, CRC-32 of the body in lower-case hex.
inline bool is_well_formed_key(const std::string& key, const std::string& prefix) {
  static const std::regex shape("^(csb|csu|cpk)_([A-Za-z0-9]{32})_([0-9a-f]{8})$");
  std::smatch m;
  if (!std::regex_match(key, m, shape) || m[1] != prefix) return false;
  const std::string body = m[2];
  char hex[9];
  std::snprintf(
      hex, sizeof hex, "%08lx",
      crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
  return m[3] == hex;
}

// A key with a correct checksum for `body32` (32 alphanumerics).
inline std::string key_with_checksum(const std::string& prefix, const std::string& body32) {
  char hex[9];
  std::snprintf(
      hex, sizeof hex, "%08lx",
      crc32(0L, reinterpret_cast<const Bytef*>(body32.data()), static_cast<uInt>(body32.size())));
  return prefix + "_" + body32 + "_" + hex;
}

inline int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline std::string rfc3339(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// The canonical hyphenated UUID (lower case) of a shortuuid.
inline std::string uuid_of(const std::string& shortuuid) {
  static const std::string alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  unsigned char bytes[16] = {};
  for (char c : shortuuid) {
    unsigned carry = static_cast<unsigned>(alphabet.find(c));
    for (int i = 15; i >= 0; --i) {
      const unsigned value = bytes[i] * 57u + carry;
      bytes[i] = static_cast<unsigned char>(value & 0xff);
      carry = value >> 8;
    }
  }
  std::string out;
  static const char digits[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 0xf];
  }
  return out;
}

// Waits, when the current UTC minute has fewer than `seconds` left, for the next,
// so a test that counts requests within one rate-limit window is not split by a reset.
inline void avoid_minute_boundary(int seconds = 8) {
  const int64_t into = unix_now() % 60;
  if (into >= 60 - seconds) std::this_thread::sleep_for(std::chrono::seconds(60 - into) + 200ms);
}

// ---------------------------------------------------------------------------
// The client

class Client {
 public:
  explicit Client(uint16_t port) : port_(port) {}

  // `path` is below /account/api/v1, unless it names a root route itself
  // (/account/..., /.well-known/..., /metrics, /healthz, /readyz).
  HttpResponse call(const std::string& method, const std::string& path, const Credential& who,
                    const std::optional<json>& body = std::nullopt,
                    const HeaderList& extra = {}) const {
    HeaderList headers = who.headers;
    if (method != "GET" && method != "HEAD") {
      headers.insert(headers.end(), who.write_headers.begin(), who.write_headers.end());
    }
    if (body) headers.push_back({"Content-Type", "application/json"});
    headers.insert(headers.end(), extra.begin(), extra.end());
    return closient::testing::http_request(port_, method, target(path), headers,
                                           body ? body->dump() : std::string());
  }
  // A raw body with the headers given (for 400, 413, 415).
  HttpResponse raw(const std::string& method, const std::string& path, const Credential& who,
                   const std::string& body, const HeaderList& extra) const {
    HeaderList headers = who.headers;
    headers.insert(headers.end(), who.write_headers.begin(), who.write_headers.end());
    headers.insert(headers.end(), extra.begin(), extra.end());
    return closient::testing::http_request(port_, method, target(path), headers, body);
  }

  HttpResponse get(const std::string& path, const Credential& who,
                   const HeaderList& extra = {}) const {
    return call("GET", path, who, std::nullopt, extra);
  }
  HttpResponse post(const std::string& path, const Credential& who, const json& body,
                    const HeaderList& extra = {}) const {
    return call("POST", path, who, body, extra);
  }
  HttpResponse put(const std::string& path, const Credential& who, const json& body,
                   const HeaderList& extra = {}) const {
    return call("PUT", path, who, body, extra);
  }
  HttpResponse patch(const std::string& path, const Credential& who, const json& body,
                     const HeaderList& extra = {}) const {
    return call("PATCH", path, who, body, extra);
  }
  HttpResponse del(const std::string& path, const Credential& who,
                   const HeaderList& extra = {}) const {
    return call("DELETE", path, who, std::nullopt, extra);
  }

  // The body of a call that must answer `status` (200 unless said otherwise).
  json ok(const std::string& method, const std::string& path, const Credential& who,
          const std::optional<json>& body = std::nullopt, int status = 200) const {
    const HttpResponse response = call(method, path, who, body);
    BOOST_REQUIRE_MESSAGE(response.status == status, method << " " << path << " as " << who.label
                                                            << " answered " << response.status
                                                            << ": " << response.body);
    return response.body.empty() ? json() : body_of(response);
  }

  static std::string target(const std::string& path) {
    if (path.rfind("/account/", 0) == 0 || path.rfind("/.well-known", 0) == 0 ||
        path == "/metrics" || path == "/healthz" || path == "/readyz") {
      return path;
    }
    return std::string(kBase) + path;
  }

  uint16_t port() const { return port_; }

 private:
  uint16_t port_;
};

// Records one answer of pipelined() with the request it answers (see
// exchange_recorder.h), reading method, target and headers off the raw request.
inline void record_pipelined(const std::string& request, const HttpResponse& response) {
  std::istringstream lines(request.substr(0, request.find("\r\n\r\n")));
  std::string method, target, line;
  lines >> method >> target;
  std::getline(lines, line);  // the rest of the request line
  HeaderList headers;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    headers.emplace_back(line.substr(0, colon), value);
  }
  closient::testing::record_exchange(method, target, headers, response.status, response.headers,
                                     response.body);
}

// Sends `requests` (each a complete HTTP/1.1 request) in one write on one
// keep-alive connection, as a pipelining client does, and reads the answers
// until all have come or the connection closes. Each answer's body is framed by
// its Content-Length.
inline std::vector<HttpResponse> pipelined(uint16_t port, const std::vector<std::string>& requests,
                                           std::chrono::milliseconds timeout = 5s) {
  std::vector<HttpResponse> answers;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return answers;
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return answers;
  }
  std::string all;
  for (const std::string& request : requests) all += request;
  for (std::size_t sent = 0; sent < all.size();) {
    const ssize_t n = ::send(fd, all.data() + sent, all.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string raw;
  char buffer[16384];
  while (answers.size() < requests.size()) {
    // Take every complete answer the buffer holds.
    const std::size_t blank = raw.find("\r\n\r\n");
    if (blank != std::string::npos) {
      HttpResponse response;
      std::istringstream lines(raw.substr(0, blank));
      std::string line;
      std::getline(lines, line);
      response.status = line.size() >= 12 ? std::atoi(line.c_str() + 9) : 0;
      std::size_t length = 0;
      while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        response.headers.emplace_back(line.substr(0, colon), value);
      }
      if (const auto header = response.header("Content-Length")) length = std::stoul(*header);
      if (raw.size() >= blank + 4 + length) {
        response.body = raw.substr(blank + 4, length);
        raw.erase(0, blank + 4 + length);
        record_pipelined(requests[answers.size()], response);
        answers.push_back(std::move(response));
        continue;
      }
    }
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;  // closed, or timed out
    raw.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answers;
}

// One request as pipelined() sends it.
inline std::string raw_request(const std::string& method, const std::string& target,
                               const HeaderList& headers, const std::string& body = {}) {
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  if (!body.empty()) request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return request + "\r\n" + body;
}

// ---------------------------------------------------------------------------
// accountctl

inline json accountctl_json(const std::string& data_dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"--data", data_dir, "--json"});
  const closient::testing::CommandResult result = closient::testing::run_accountctl(args);
  std::string joined;
  for (const std::string& arg : args) joined += arg + " ";
  if (result.exit_code != 0) {
    throw std::runtime_error("accountctl " + joined + "exited " + std::to_string(result.exit_code) +
                             ": " + result.err);
  }
  return json::parse(result.out);
}

// ---------------------------------------------------------------------------
// The world most tests share

struct Person {
  std::string email, user_id, member_id;  // member_id: in organization A
};

// Organization A ("Acme", DE): ann (owner), mia (manager), bill (billing), eddie
// (editor); org keys of every kind and role; ann's csu keys (manager from the
// bootstrap, readonly through the API). Organization B ("Bobco", FR): bob (owner)
// with a csb key, the "other organization" of object-level authorization.
class World {
 public:
  struct Options {
    std::vector<std::string> server_args;
  };

  explicit World(Options options = {}) : options_(std::move(options)) {
    data_dir_ = dir_.path() + "/data";
    const json ann_boot =
        accountctl_json(data_dir_, {"bootstrap", "--email", "ann@example.com", "--name",
                                    "Ann Owner", "--org", "Acme", "--country", "DE"});
    const json bob_boot =
        accountctl_json(data_dir_, {"bootstrap", "--email", "bob@example.com", "--name",
                                    "Bob Other", "--org", "Bobco", "--country", "FR"});
    org_a = ann_boot["organization_id"];
    org_b = bob_boot["organization_id"];
    ann = {"ann@example.com", ann_boot["user_id"], ann_boot["member_id"]};
    bob = {"bob@example.com", bob_boot["user_id"], {}};
    bob_member_in_b = bob_boot["member_id"];
    csu_manager = api_key("csu manager", ann_boot["api_key"]);
    bob_csu = api_key("bob csu", bob_boot["api_key"]);

    start();
    Client c = client();
    // A high-limit key for setting things up, so tests may spend the default
    // allowances of the credentials under test.
    admin = api_key("admin", c.ok("POST", "/api-keys", csu_manager,
                                  json{{"name", "admin"},
                                       {"role", "manager"},
                                       {"rate_limit_per_minute", 1000000},
                                       {"rate_limit_per_day", 100000000}})["key"]);
    const std::string members = "/organizations/" + org_a + "/members";
    auto invite = [&](const std::string& email, const std::string& role) {
      const json m = c.ok("POST", members, admin, json{{"email", email}, {"role", role}});
      return Person{email, {}, m["id"]};
    };
    mia = invite("mia@example.com", "manager");
    bill = invite("bill@example.com", "billing");
    eddie = invite("eddie@example.com", "editor");

    const std::string keys = "/organizations/" + org_a + "/api-keys";
    auto org_key = [&](const std::string& label, const std::string& kind, const std::string& role,
                       std::string& id) {
      const json k =
          c.ok("POST", keys, admin, json{{"name", label}, {"kind", kind}, {"role", role}});
      id = k["id"];
      return api_key(label, k["key"]);
    };
    csb_manager = org_key("csb manager", "business", "manager", csb_manager_id);
    csb_editor = org_key("csb editor", "business", "editor", csb_editor_id);
    csb_readonly = org_key("csb readonly", "business", "readonly", csb_readonly_id);
    cpk = org_key("cpk", "publishable", "readonly", cpk_id);
    const json readonly = c.ok("POST", "/api-keys", csu_manager,
                               json{{"name", "ann readonly"}, {"role", "readonly"}});
    csu_readonly = api_key("csu readonly", readonly["key"]);
    csu_readonly_id = readonly["id"];
    const json bkey = c.ok("POST", "/organizations/" + org_b + "/api-keys", bob_csu,
                           json{{"name", "bob business"}, {"role", "manager"}});
    csb_b = api_key("csb of B", bkey["key"]);
    csb_b_id = bkey["id"];
    const json whoami = c.ok("GET", "/whoami", csu_manager);
    csu_manager_id = whoami["api_key"]["id"];
    stop();

    auto token = [&](const std::string& email, const std::string& label) {
      return bearer(label,
                    accountctl_json(data_dir_, {"token", "issue", "--email", email})["token"]);
    };
    owner_token = token(ann.email, "owner token");
    manager_token = token(mia.email, "manager token");
    billing_token = token(bill.email, "billing token");
    editor_token = token(eddie.email, "editor token");
    bob_token = token(bob.email, "bob token");
    const json fresh = accountctl_json(data_dir_, {"session", "issue", "--email", ann.email});
    owner_session = session("owner session", fresh["sessionid"], fresh["csrf_token"]);
    owner_session_csrf = fresh["csrf_token"];
    const json stale = accountctl_json(
        data_dir_, {"session", "issue", "--email", ann.email, "--authenticated-ago", "1200"});
    stale_owner_session = session("stale owner session", stale["sessionid"], stale["csrf_token"]);
    const json recent = accountctl_json(
        data_dir_, {"session", "issue", "--email", ann.email, "--authenticated-ago", "840"});
    recent_owner_session =
        session("owner session of 14 minutes", recent["sessionid"], recent["csrf_token"]);
    start();

    for (Person* p : {&mia, &bill, &eddie}) {
      p->user_id = client().ok("GET", "/whoami", bearer_of(*p))["user_id"];
    }
  }

  ~World() {
    if (server_) server_->stop();
  }

  Client client() const { return Client(server_->port()); }
  ServerProcess& server() { return *server_; }
  const std::string& data_dir() const { return data_dir_; }

  void start() { server_ = std::make_unique<ServerProcess>(options_.server_args, data_dir_); }
  void stop() {
    const int status = server_->stop();
    if (status != 0) throw std::runtime_error("accountd exited " + std::to_string(status));
    server_.reset();
  }

  const Credential& bearer_of(const Person& p) const {
    if (p.email == mia.email) return manager_token;
    if (p.email == bill.email) return billing_token;
    if (p.email == eddie.email) return editor_token;
    if (p.email == bob.email) return bob_token;
    return owner_token;
  }

  std::string org_path(const std::string& org) const { return "/organizations/" + org; }

  std::string org_a, org_b;
  Person ann, mia, bill, eddie, bob;
  std::string bob_member_in_b;
  Credential admin;  // ann's csu manager key with very high rate limits
  Credential owner_token, manager_token, billing_token, editor_token, bob_token;
  // Authenticated now, 20 minutes ago and 14 minutes ago (at setup).
  Credential owner_session, stale_owner_session, recent_owner_session;
  std::string owner_session_csrf;
  Credential csb_manager, csb_editor, csb_readonly, cpk, csu_manager, csu_readonly;
  std::string csb_manager_id, csb_editor_id, csb_readonly_id, cpk_id, csu_manager_id,
      csu_readonly_id;
  Credential bob_csu, csb_b;
  std::string csb_b_id;

 private:
  Options options_;
  TempDir dir_;
  std::string data_dir_;
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace api_test
