// Integration-test harness: start the real accountd binary on a free loopback port
// with a fresh data directory, speak HTTP/1.1 to it, stop it with a signal.
//
//   ServerProcess server;                        // --listen 127.0.0.1:0 --data <temp>
//   HttpResponse response = server.get("/healthz");
//   BOOST_TEST(server.stop() == 0);              // SIGTERM, then the exit status
//
// Header-only so each test binary (one per file) can include it. Everything it
// creates is removed when it goes out of scope.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "integration/exchange_recorder.h"
#include "temp_dir.h"
#include "test_store.h"

extern char** environ;

namespace closient::testing {

using namespace std::chrono_literals;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

inline bool same_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A child process with stdout on a pipe and stderr in a file.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& stderr_path) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    const int err_fd = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (err_fd < 0) throw std::runtime_error("cannot open " + stderr_path);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    const int spawned = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    ::close(err_fd);
    if (spawned != 0) {
      ::close(pipe_fds[0]);
      throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(spawned));
    }
    stdout_fd_ = pipe_fds[0];
  }

  ~ChildProcess() {
    if (pid_ > 0 && !exit_status_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // One line of stdout, without its newline; nullopt on EOF or timeout.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      const std::size_t newline = stdout_buffer_.find('\n');
      if (newline != std::string::npos) {
        std::string line = stdout_buffer_.substr(0, newline);
        stdout_buffer_.erase(0, newline + 1);
        return line;
      }
      if (!read_some_stdout(deadline)) return std::nullopt;
    }
  }

  // Everything on stdout until the child closes it (after it exits).
  std::string read_remaining_stdout(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (read_some_stdout(deadline)) {
    }
    return std::exchange(stdout_buffer_, {});
  }

  void signal(int signal_number) { ::kill(pid_, signal_number); }

  // The exit code (0-255), or 128 + signal when killed by one; nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    if (exit_status_) return exit_status_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      int status = 0;
      const pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return exit_status_;
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(5ms);
    }
  }

 private:
  bool read_some_stdout(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd pfd{stdout_fd_, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return false;
    char buffer[4096];
    const ssize_t n = ::read(stdout_fd_, buffer, sizeof buffer);
    if (n <= 0) return false;
    stdout_buffer_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string stdout_buffer_;
  std::optional<int> exit_status_;
};

struct CommandResult {
  int exit_code = -1;  // -1: did not finish in time
  std::string out;
  std::string err;
};

// Runs `program` with `args` to completion, reading its stdout while it runs (so
// a chatty child never blocks on a full pipe).
inline CommandResult run_program(const std::string& program, const std::vector<std::string>& args,
                                 std::chrono::milliseconds timeout) {
  TempDir scratch;
  std::vector<std::string> argv = {program};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string err_path = scratch.path() + "/stderr";
  CommandResult result;
  {
    ChildProcess child(argv, err_path);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::optional<int> status;
    while (!(status = child.wait(0ms)) && std::chrono::steady_clock::now() < deadline) {
      std::string chunk = child.read_remaining_stdout(10ms);
      if (chunk.empty()) std::this_thread::sleep_for(5ms);  // stdout closed, still running
      result.out += chunk;
    }
    result.exit_code = status.value_or(-1);
    if (status) result.out += child.read_remaining_stdout(1s);
  }
  result.err = read_file(err_path);
  return result;
}

// With ACCOUNT_TEST_STORE=postgresql://... (ctest's *.pg variants), every data
// directory a test uses stands for a database of its own in that cluster,
// created at first use and dropped when the test process exits: accountd and
// accountctl get `--store URI` beside `--data DIR` (which keeps the snapshots).
inline const TestDatabase& database_for(const std::string& data_dir) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<TestDatabase>> databases;
  std::lock_guard<std::mutex> lock(mutex);
  std::unique_ptr<TestDatabase>& database = databases[data_dir];
  if (!database) database = std::make_unique<TestDatabase>();
  return *database;
}

// `args` with --store URI added after each --data DIR when the tests run on
// PostgreSQL (and no --store is given); as they are otherwise.
inline std::vector<std::string> with_test_store(std::vector<std::string> args) {
  if (!testing_on_postgres()) return args;
  for (const std::string& arg : args)
    if (arg == "--store" || arg.rfind("--store=", 0) == 0) return args;
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    out.push_back(args[i]);
    std::optional<std::string> dir;
    if (args[i] == "--data" && i + 1 < args.size()) {
      out.push_back(args[++i]);
      dir = args[i];
    } else if (args[i].rfind("--data=", 0) == 0) {
      dir = args[i].substr(7);
    }
    if (dir) {
      out.push_back("--store");
      out.push_back(database_for(*dir).uri());
    }
  }
  return out;
}

// Runs accountd to completion (for --help, bad flags and the like).
inline CommandResult run_accountd(const std::vector<std::string>& args,
                                  std::chrono::milliseconds timeout = 10s) {
  return run_program(ACCOUNTD_PATH, args, timeout);
}

// Runs the operator tool accountctl to completion (e.g. to issue credentials on a
// data directory no server holds).
inline CommandResult run_accountctl(const std::vector<std::string>& args,
                                    std::chrono::milliseconds timeout = 30s) {
  return run_program(ACCOUNTCTL_PATH, with_test_store(args), timeout);
}

struct HttpResponse {
  int status = 0;  // 0: no response at all (see error)
  HeaderList headers;
  std::string body;
  std::string error;  // why there was no response

  std::optional<std::string> header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (same_ignoring_case(key, name)) return value;
    }
    return std::nullopt;
  }
};

// One request on a fresh connection (Connection: close), answered with a
// Content-Length body. Small, blocking, and strict enough for tests.
inline HttpResponse http_request(uint16_t port, const std::string& method,
                                 const std::string& target, const HeaderList& headers = {},
                                 const std::string& body = {},
                                 std::chrono::milliseconds timeout = 10s) {
  HttpResponse response;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    response.error = "socket failed";
    return response;
  }
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    response.error = std::string("connect failed: ") + std::strerror(errno);
    ::close(fd);
    return response;
  }

  std::string request = method + " " + target + " HTTP/1.1\r\n";
  request += "Host: 127.0.0.1:" + std::to_string(port) + "\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;

  // A server may answer (or hang up) before reading everything: a failed send is
  // not yet a failed exchange, so go on and read whatever came back.
  std::string send_error;
  for (std::size_t sent = 0; sent < request.size();) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      send_error = std::string("send failed: ") + std::strerror(errno);
      break;
    }
    sent += static_cast<std::size_t>(n);
  }

  std::string raw;
  std::size_t header_end = std::string::npos;
  std::optional<std::size_t> content_length;
  char buffer[16384];
  while (true) {
    if (header_end != std::string::npos) {
      const std::size_t want = method == "HEAD" ? 0 : content_length.value_or(SIZE_MAX);
      if (raw.size() - header_end >= want) break;
    }
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    raw.append(buffer, static_cast<std::size_t>(n));
    if (header_end == std::string::npos) {
      const std::size_t blank = raw.find("\r\n\r\n");
      if (blank == std::string::npos) continue;
      header_end = blank + 4;
      std::istringstream lines(raw.substr(0, blank));
      std::string line;
      std::getline(lines, line);
      if (line.rfind("HTTP/1.", 0) != 0 || line.size() < 12) break;
      response.status = std::atoi(line.c_str() + 9);
      while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        response.headers.emplace_back(line.substr(0, colon), value);
      }
      if (const auto length = response.header("Content-Length")) {
        content_length = static_cast<std::size_t>(std::stoull(*length));
      }
    }
  }
  ::close(fd);

  if (header_end == std::string::npos || response.status == 0) {
    response.status = 0;
    response.error = !send_error.empty() ? send_error : "no response";
    return response;
  }
  response.body = raw.substr(header_end);
  if (content_length && response.body.size() > *content_length) {
    response.body.resize(*content_length);
  }
  record_exchange(method, target, headers, response.status, response.headers, response.body);
  return response;
}

// The real accountd, serving on a free loopback port with a fresh data directory,
// or with `data_dir` when given (a directory prepared earlier, e.g. by accountctl
// or by a server stopped before; it is not removed afterwards).
class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> extra_args = {}, std::string data_dir = {})
      : data_dir_(std::move(data_dir)) {
    std::vector<std::string> argv = {ACCOUNTD_PATH, "--data", this->data_dir(), "--listen",
                                     "127.0.0.1:0"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    argv = with_test_store(std::move(argv));
    child_ = std::make_unique<ChildProcess>(argv, stderr_path());
    const std::optional<std::string> line = child_->read_line(15s);
    const std::string prefix = "listening on http://127.0.0.1:";
    if (!line || line->rfind(prefix, 0) != 0) {
      throw std::runtime_error("accountd did not start; stdout: '" + line.value_or("") +
                               "'; stderr: " + stderr_text());
    }
    port_ = static_cast<uint16_t>(std::stoi(line->substr(prefix.size())));
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  uint16_t port() const { return port_; }
  std::string data_dir() const { return data_dir_.empty() ? scratch_.path() + "/data" : data_dir_; }
  std::string stderr_text() const { return read_file(stderr_path()); }
  pid_t pid() const { return child_->pid(); }

  HttpResponse request(const std::string& method, const std::string& target,
                       const HeaderList& headers = {}, const std::string& body = {}) const {
    return http_request(port_, method, target, headers, body);
  }
  HttpResponse get(const std::string& target, const HeaderList& headers = {}) const {
    return request("GET", target, headers);
  }

  // Sends the signal and returns the exit status (128 + signal if killed by it),
  // or -1 if the server did not exit within the timeout.
  int stop(int signal_number = SIGTERM, std::chrono::milliseconds timeout = 20s) {
    child_->signal(signal_number);
    return child_->wait(timeout).value_or(-1);
  }

 private:
  std::string stderr_path() const { return scratch_.path() + "/stderr"; }

  TempDir scratch_;
  std::string data_dir_;  // empty: a fresh one in scratch_
  std::unique_ptr<ChildProcess> child_;
  uint16_t port_ = 0;
};

}  // namespace closient::testing
