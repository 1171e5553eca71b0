// accountd: the account service's HTTP server.
//
//   accountd --data DIR --listen HOST:PORT [--threads N] [--sync always|never]
//            [--cors-origin ORIGIN]... [--bootstrap-demo]
//            [--max-connections N] [--read-timeout SECONDS]
//
// Exit status: 0 after a clean stop on SIGINT/SIGTERM, 1 when the data directory or
// the address cannot be used, 2 for a bad command line.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/event_store.h"
#include "events/private_files.h"
#include "events/result.h"
#include "http/access_log.h"
#include "http/api_description.h"
#include "http/cors.h"
#include "http/descriptor_limits.h"
#include "http/dispatcher.h"
#include "http/http_metrics.h"
#include "http/listen_address.h"
#include "http/metrics.h"
#include "http/server.h"
#include "http/signals.h"
#include "http/system_routes.h"
#include "tools/accountd/connection_metrics.h"
#include "tools/accountd/fault_file.h"
#include "tools/accountd/service_wiring.h"
#include "tools/build_info.h"

namespace {

using namespace closient;
using namespace closient::http;

constexpr char kUsage[] =
    "usage: accountd [--data DIR] [--store URI] [--listen HOST:PORT] [--threads N]\n"
    "                [--sync always|never]\n"
    "                [--cors-origin ORIGIN]... [--bootstrap-demo]\n"
    "                [--max-connections N] [--read-timeout SECONDS]\n"
    "\n"
    "Serves the Closient Account API.\n"
    "\n"
    "  --data DIR          data directory, created if missing (default ./data): the event\n"
    "                      log (RocksDB) unless --store names another place, and snapshots\n"
    "  --store WHERE       the event store: a data directory (the same as --data), or a\n"
    "                      PostgreSQL URI (postgresql://USER@HOST/DB) that several accountd\n"
    "                      nodes share; the schema is created or migrated at start\n"
    "  --listen HOST:PORT  address to serve; port 0 picks a free one (default 127.0.0.1:8000)\n"
    "  --threads N         HTTP I/O threads, 1-256 (default 2)\n"
    "  --sync MODE         always: acknowledge writes after their fsync (default);\n"
    "                      never: skip the fsync (faster, loses the last writes on a crash)\n"
    "  --cors-origin ORIGIN  let web pages of ORIGIN (https://app.example.com, or * for any)\n"
    "                      call the routes a publishable key may: GET /whoami and\n"
    "                      GET /organizations/{id} (CORS, never with credentials); repeatable\n"
    "  --max-connections N connections served at once, 1-1000000; more wait to be accepted\n"
    "                      (default: half the descriptors the limit leaves free, at most 1024)\n"
    "  --read-timeout S    seconds a client has to send a whole request, and the longest an\n"
    "                      idle connection stays open, 1-3600 (default 30)\n"
    "  --bootstrap-demo    on an empty data directory, create a demo owner and organization\n"
    "                      and print its API key once\n"
    "  --version           print the version and the build's git commit\n"
    "  --help              show this help\n"
    "\n"
    "Prints 'listening on http://HOST:PORT' once serving. Stops cleanly on SIGINT or SIGTERM.\n";

struct Options {
  std::string data_dir = "./data";
  std::optional<std::string> store;  // a directory or a postgresql:// URI
  ListenAddress listen{"127.0.0.1", 8000};
  std::size_t threads = 2;
  bool sync_writes = true;
  std::optional<std::size_t> max_connections;  // default: from the descriptor limit
  std::chrono::seconds read_timeout{30};
  bool bootstrap_demo = false;
  std::vector<std::string> cors_origins;
};

struct UsageError {
  std::string message;
};

// Reads the value of `--name VALUE` or `--name=VALUE`.
std::optional<std::string> take_value(int argc, char** argv, int& i, std::string_view name,
                                      std::string_view arg, std::optional<UsageError>& error) {
  if (arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '=') {
    return std::string(arg.substr(name.size() + 1));
  }
  if (i + 1 >= argc) {
    error = UsageError{std::string(name) + " needs a value"};
    return std::nullopt;
  }
  return std::string(argv[++i]);
}

// A whole decimal number in [low, high], or nullopt.
std::optional<long> parse_count(const std::string& value, long low, long high) {
  char* end = nullptr;
  errno = 0;
  const long number = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || errno != 0 || number < low || number > high) {
    return std::nullopt;
  }
  return number;
}

bool flag_matches(std::string_view arg, std::string_view name) {
  return arg == name || (arg.size() > name.size() && arg.substr(0, name.size()) == name &&
                         arg[name.size()] == '=');
}

std::optional<UsageError> parse_options(int argc, char** argv, Options& options) {
  std::optional<UsageError> error;
  for (int i = 1; i < argc && !error; ++i) {
    const std::string_view arg = argv[i];
    if (flag_matches(arg, "--data")) {
      if (auto value = take_value(argc, argv, i, "--data", arg, error)) {
        if (value->empty()) return UsageError{"--data needs a directory"};
        options.data_dir = *value;
      }
    } else if (flag_matches(arg, "--store")) {
      if (auto value = take_value(argc, argv, i, "--store", arg, error)) {
        if (value->empty()) return UsageError{"--store needs a directory or a postgresql:// URI"};
        options.store = *value;
      }
    } else if (flag_matches(arg, "--listen")) {
      if (auto value = take_value(argc, argv, i, "--listen", arg, error)) {
        Result<ListenAddress> listen = parse_listen_address(*value);
        if (!listen.ok()) return UsageError{listen.error().detail};
        options.listen = listen.value();
      }
    } else if (flag_matches(arg, "--threads")) {
      if (auto value = take_value(argc, argv, i, "--threads", arg, error)) {
        const auto threads = parse_count(*value, 1, 256);
        if (!threads) return UsageError{"invalid --threads '" + *value + "': must be 1-256"};
        options.threads = static_cast<std::size_t>(*threads);
      }
    } else if (flag_matches(arg, "--max-connections")) {
      if (auto value = take_value(argc, argv, i, "--max-connections", arg, error)) {
        const auto count = parse_count(*value, 1, 1000000);
        if (!count) {
          return UsageError{"invalid --max-connections '" + *value + "': must be 1-1000000"};
        }
        options.max_connections = static_cast<std::size_t>(*count);
      }
    } else if (flag_matches(arg, "--read-timeout")) {
      if (auto value = take_value(argc, argv, i, "--read-timeout", arg, error)) {
        const auto seconds = parse_count(*value, 1, 3600);
        if (!seconds) {
          return UsageError{"invalid --read-timeout '" + *value + "': must be 1-3600 seconds"};
        }
        options.read_timeout = std::chrono::seconds(*seconds);
      }
    } else if (flag_matches(arg, "--sync")) {
      if (auto value = take_value(argc, argv, i, "--sync", arg, error)) {
        if (*value != "always" && *value != "never") {
          return UsageError{"invalid --sync '" + *value + "': must be always or never"};
        }
        options.sync_writes = *value == "always";
      }
    } else if (flag_matches(arg, "--cors-origin")) {
      if (auto value = take_value(argc, argv, i, "--cors-origin", arg, error)) {
        Result<std::string> origin = parse_cors_origin(*value);
        if (!origin.ok()) return UsageError{origin.error().detail};
        options.cors_origins.push_back(std::move(origin).value());
      }
    } else if (arg == "--bootstrap-demo") {
      options.bootstrap_demo = true;
    } else {
      return UsageError{"unknown argument '" + std::string(arg) + "'"};
    }
  }
  return error;
}

// Creates the data directory if needed and takes an exclusive lock on it, so two
// servers never share one log. The lock lives as long as the process.
std::optional<std::string> claim_data_directory(const std::string& dir) {
  Status created = create_private_directories(dir);
  if (!created.ok()) {
    return "cannot create data directory '" + dir + "': " + created.error().detail;
  }
  const std::string lock_path = dir + "/accountd.lock";
  const int fd = open_private_file(lock_path);
  if (fd < 0) {
    return "cannot use data directory '" + dir + "': " + std::strerror(errno);
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) {
      return "data directory '" + dir + "' is in use by another process";
    }
    return "cannot lock data directory '" + dir + "': " + std::strerror(error);
  }
  return std::nullopt;  // fd deliberately left open: the lock is held until exit
}

std::string url_host(const std::string& address) {
  return address.find(':') != std::string::npos ? "[" + address + "]" : address;
}

int fail(int status, const std::string& message) {
  std::fprintf(stderr, "accountd: %s\n", message.c_str());
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  // Whatever this process creates is for its owner only (0600 files, 0700
  // directories), also where a library names no mode.
  ::umask(077);
  // Before any thread exists, so every thread inherits the blocked signals and only
  // the main thread receives them (through sigwait).
  block_termination_signals();

  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (std::strcmp(argv[i], "--version") == 0) {
      std::printf("accountd %s (commit %s)\n", kBuildVersion, kBuildCommit);
      return 0;
    }
  }
  Options options;
  if (const auto error = parse_options(argc, argv, options)) {
    return fail(2, error->message + " (see accountd --help)");
  }
  // --store DIR is --data DIR; with a URI, the data directory keeps the snapshots.
  if (options.store && !is_postgres_uri(*options.store)) {
    const bool data_given = std::any_of(
        argv + 1, argv + argc, [](const char* arg) { return flag_matches(arg, "--data"); });
    if (data_given && *options.store != options.data_dir) {
      return fail(2,
                  "give the data directory once: --data DIR or --store DIR (see accountd --help)");
    }
    options.data_dir = *options.store;
  }
  const std::string store = options.store.value_or(options.data_dir);
  // The soft descriptor limit up to the hard one, before the database opens its files.
  Result<uint64_t> descriptor_limit = raise_descriptor_limit();
  if (!descriptor_limit.ok()) return fail(1, descriptor_limit.error().detail);
  if (const auto error = claim_data_directory(options.data_dir)) return fail(1, *error);

  MetricsRegistry metrics;
  HttpMetrics http_metrics(metrics);
  AccessLog access_log(stderr);

  // The log, read models, writer and authentication behind the API routes. Any
  // route left unbound would answer 503 service_unavailable.
  // Test-only: disk faults switched through a file (tools/accountd/fault_file.h).
  const std::unique_ptr<FaultFileWatcher> test_faults = FaultFileWatcher::from_environment();
  Result<std::unique_ptr<ServiceWiring>> service = ServiceWiring::open(
      store, options.data_dir, options.sync_writes ? Durability::always : Durability::never, {},
      test_faults ? test_faults->faults() : nullptr);
  if (!service.ok()) return fail(1, service.error().detail);
  service.value()->register_metrics(metrics);
  if (options.bootstrap_demo) {
    Result<std::optional<std::string>> demo = service.value()->bootstrap_demo_if_empty();
    if (!demo.ok()) return fail(1, "bootstrapping the demo: " + demo.error().detail);
    if (demo.value()) {
      std::printf(
          "demo owner demo@example.com created with organization \"Demo Organization\".\n"
          "Its API key (csu, role manager) is shown only now:\n  %s\n"
          "Try: curl -H \"X-API-Key: %s\" http://%s:%u/account/api/v1/whoami\n",
          demo.value()->c_str(), demo.value()->c_str(), options.listen.host.c_str(),
          static_cast<unsigned>(options.listen.port));
      std::fflush(stdout);
    }
  }

  // Connections up to a cap below the descriptor limit, measured once the database
  // holds its files.
  const std::size_t open_now = open_descriptor_count();
  const std::size_t max_connections =
      options.max_connections.value_or(default_max_connections(descriptor_limit.value(), open_now));
  if (max_connections > connections_within_budget(descriptor_limit.value(), open_now)) {
    std::fprintf(stderr,
                 "accountd: warning: --max-connections %zu leaves too few of the %llu "
                 "descriptors allowed for the database; accepts will wait for free ones\n",
                 max_connections, static_cast<unsigned long long>(descriptor_limit.value()));
  }

  Result<Router> router = build_router(api_route_specs());
  if (!router.ok()) return fail(1, "route table: " + router.error().detail);
  const CorsPolicy cors(options.cors_origins);
  DispatcherOptions dispatcher_options;
  dispatcher_options.access_log = &access_log;
  dispatcher_options.metrics = &http_metrics;
  dispatcher_options.rate_limit_window = service.value()->rate_limit_window();
  dispatcher_options.cors = &cors;
  dispatcher_options.position_barrier = service.value()->position_barrier();
  Dispatcher dispatcher(std::move(router).value(), dispatcher_options);

  ServiceWiring* wiring = service.value().get();
  Status bound = bind_system_routes(
      dispatcher, SystemRoutesOptions{&metrics, [wiring] { return wiring->ready(); }, &cors});
  if (bound.ok()) bound = service.value()->bind_routes(dispatcher);
  if (!bound.ok()) return fail(1, "binding routes: " + bound.error().detail);

  ServerOptions server_options;
  server_options.address = options.listen.host;
  server_options.port = options.listen.port;
  server_options.threads = options.threads;
  server_options.max_connections = max_connections;
  server_options.read_timeout = options.read_timeout;
  Server server(server_options, [&dispatcher](Request request, Reply reply) {
    dispatcher.handle(std::move(request), std::move(reply));
  });
  register_connection_metrics(metrics, server);
  Result<uint16_t> port = server.start();
  if (!port.ok()) return fail(1, port.error().detail);

  for (const std::string& note : service.value()->startup_notes()) {
    std::fprintf(stderr, "%s\n", note.c_str());
  }
  std::printf("listening on http://%s:%u\n", url_host(server.bound_address()).c_str(),
              static_cast<unsigned>(port.value()));
  std::fflush(stdout);

  wait_for_termination_signal();
  // Stop accepting and let requests in flight finish (writes are answered by the
  // writer after their fsync), then answer whatever is still queued, while the
  // dispatcher those answers go through is still alive.
  server.stop();
  service.value()->stop_writes();
  std::fflush(stdout);
  std::fflush(stderr);
  return 0;
}
