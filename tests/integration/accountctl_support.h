// Helpers for the accountctl integration tests: run the real binary as a child
// process against a scratch data directory and capture what it says, and reach
// into the RocksDB files directly to damage them the way an attacker or a bad
// disk would.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <rocksdb/db.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "temp_dir.h"

extern char** environ;

namespace accountctl_test {

using closient::testing::TempDir;

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// A child process with pipes on stdin, stdout and stderr.
class Child {
 public:
  Child(const std::string& program, const std::vector<std::string>& args) {
    int in[2], out[2], err[2];
    BOOST_REQUIRE(::pipe2(in, O_CLOEXEC) == 0 && ::pipe2(out, O_CLOEXEC) == 0 &&
                  ::pipe2(err, O_CLOEXEC) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    std::vector<std::string> words = args;
    words.insert(words.begin(), program);
    std::vector<char*> argv;
    for (auto& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    const int spawned =
        posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    BOOST_REQUIRE_MESSAGE(spawned == 0, "cannot start " + program + ": " + std::strerror(spawned));
    stdin_ = in[1];
    stdout_ = out[0];
    stderr_ = err[0];
  }

  ~Child() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    for (int fd : {stdin_, stdout_, stderr_}) {
      if (fd >= 0) ::close(fd);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  void write_stdin(const std::string& text) {
    size_t written = 0;
    while (written < text.size()) {
      const ssize_t n = ::write(stdin_, text.data() + written, text.size() - written);
      if (n <= 0) break;
      written += static_cast<size_t>(n);
    }
  }
  void close_stdin() {
    if (stdin_ >= 0) ::close(stdin_);
    stdin_ = -1;
  }

  // Reads what is available on stdout and stderr for up to `timeout`, stopping
  // early once `done(out)` holds. False when the time ran out first.
  template <typename Done>
  bool read_until(Done done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done(out_)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      if (!pump(static_cast<int>(left.count()))) return done(out_);
    }
    return true;
  }

  // Sends a signal (SIGINT, SIGTERM) to the child.
  void signal(int signo) { ::kill(pid_, signo); }

  // Reads to the end of both pipes and reaps the child (killing it after `timeout`).
  RunResult finish(std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    close_stdin();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (stdout_ >= 0 || stderr_ >= 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        ::kill(pid_, SIGKILL);
        break;
      }
      pump(static_cast<int>(left.count()));
    }
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
    RunResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = out_;
    result.err = err_;
    return result;
  }

  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

 private:
  // One poll over the open pipes; false when both are at end of file.
  bool pump(int timeout_ms) {
    pollfd fds[2];
    int count = 0;
    if (stdout_ >= 0) fds[count++] = {stdout_, POLLIN, 0};
    if (stderr_ >= 0) fds[count++] = {stderr_, POLLIN, 0};
    if (count == 0) return false;
    if (::poll(fds, static_cast<nfds_t>(count), timeout_ms) <= 0) return true;
    for (int i = 0; i < count; ++i) {
      if (fds[i].revents == 0) continue;
      char buffer[65536];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      const bool is_out = fds[i].fd == stdout_;
      if (n <= 0) {
        ::close(fds[i].fd);
        (is_out ? stdout_ : stderr_) = -1;
      } else {
        (is_out ? out_ : err_).append(buffer, static_cast<size_t>(n));
      }
    }
    return stdout_ >= 0 || stderr_ >= 0;
  }

  pid_t pid_ = -1;
  bool reaped_ = false;
  int stdin_ = -1, stdout_ = -1, stderr_ = -1;
  std::string out_, err_;
};

// Runs accountctl with `args` to completion.
inline RunResult accountctl(const std::vector<std::string>& args, const std::string& input = "") {
  Child child(ACCOUNTCTL_PATH, args);
  if (!input.empty()) child.write_stdin(input);
  return child.finish();
}

// Runs accountctl --data DIR ARGS... and expects success; returns stdout.
inline std::string ok(const std::string& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"--data", dir});
  RunResult result = accountctl(args);
  std::string joined;
  for (const auto& arg : args) joined += arg + " ";
  BOOST_REQUIRE_MESSAGE(
      result.exit_code == 0,
      "accountctl " + joined + "exited " + std::to_string(result.exit_code) + ": " + result.err);
  return result.out;
}

// The same with --json, parsed.
inline nlohmann::json ok_json(const std::string& dir, std::vector<std::string> args) {
  args.push_back("--json");
  return nlohmann::json::parse(ok(dir, std::move(args)));
}

// Every line of JSON Lines output, parsed.
inline std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

struct Bootstrapped {
  std::string user_id, organization_id, member_id, api_key;
};

inline Bootstrapped bootstrap(const std::string& dir, const std::string& email,
                              const std::string& org = "Acme", const std::string& country = "DE") {
  nlohmann::json out =
      ok_json(dir, {"bootstrap", "--email", email, "--org", org, "--country", country});
  return Bootstrapped{out.at("user_id"), out.at("organization_id"), out.at("member_id"),
                      out.at("api_key")};
}

// The data directory's RocksDB opened directly, with every column family, as
// a running accountd would hold it.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& dir) {
    rocksdb::Options options;
    std::vector<std::string> names;
    BOOST_REQUIRE(rocksdb::DB::ListColumnFamilies(options, dir, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& name : names) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    rocksdb::Status s = rocksdb::DB::Open(options, dir, descriptors, &handles_, &db_);
    BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  }
  ~RawDatabase() {
    for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    db_->Close().PermitUncheckedError();
    delete db_;
  }
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;

  rocksdb::ColumnFamilyHandle* family(const std::string& name) const {
    for (auto* handle : handles_) {
      if (handle->GetName() == name) return handle;
    }
    BOOST_FAIL("no column family " + name);
    return nullptr;
  }
  std::string get(rocksdb::ColumnFamilyHandle* cf, const std::string& key) const {
    std::string value;
    rocksdb::Status s = db_->Get({}, cf, key, &value);
    BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
    return value;
  }
  void put(rocksdb::ColumnFamilyHandle* cf, const std::string& key, const std::string& value) {
    rocksdb::WriteOptions sync;
    sync.sync = true;
    BOOST_REQUIRE(db_->Put(sync, cf, key, value).ok());
  }

 private:
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

// An event's key in the events column family: its position, 8 bytes big-endian.
inline std::string position_key(uint64_t position) {
  std::string key(8, '\0');
  for (int i = 7; i >= 0; --i) {
    key[static_cast<size_t>(i)] = static_cast<char>(position & 0xff);
    position >>= 8;
  }
  return key;
}

// Holds the lock accountd takes on a data directory, as a running server does.
class ServerLock {
 public:
  explicit ServerLock(const std::string& dir) {
    fd_ = ::open((dir + "/accountd.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    BOOST_REQUIRE(fd_ >= 0 && ::flock(fd_, LOCK_EX | LOCK_NB) == 0);
  }
  ~ServerLock() { ::close(fd_); }
  ServerLock(const ServerLock&) = delete;
  ServerLock& operator=(const ServerLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace accountctl_test
