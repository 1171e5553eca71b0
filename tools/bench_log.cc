// bench-log: durable appends per second through RocksEventLog with 1, 8 and 64
// concurrent appenders, synced and unsynced, beside a raw RocksDB baseline
// (one synced WriteBatch per event) measured on the same disk in the same run.
// Every configuration runs several short rounds on a fresh database; the table
// shows the median.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "events/keys.h"
#include "events/rocks_event_log.h"
#include "events/stored_event.h"

namespace fs = std::filesystem;
using namespace closient;
using Clock = std::chrono::steady_clock;

namespace {

struct Settings {
  double seconds = 1.0;
  int rounds = 5;
  size_t payload = 100;  // bytes of event data
  fs::path dir = fs::temp_directory_path();
  std::vector<int> raw_threads = {1, 8};
  std::vector<int> appenders = {1, 8, 64};
  bool json = false;  // one JSON object per configuration instead of the table
};

const char kUsage[] =
    "usage: bench-log [--seconds S] [--rounds N] [--payload BYTES] [--dir PATH]\n"
    "                 [--raw-threads LIST] [--appenders LIST] [--json]\n"
    "\n"
    "Measures appends per second (one event each) through the event log with 1, 8\n"
    "and 64 concurrent appenders, with durability always (WAL synced before the\n"
    "answer) and never, and a raw RocksDB baseline: one synced WriteBatch per\n"
    "event of the same size, from 1 and from 8 threads. Each configuration runs\n"
    "N rounds of S seconds on a fresh database; the table shows the median, and\n"
    "the median of each round's p50 and p99 latency of one append.\n"
    "\n"
    "  --seconds S      length of one round (default 1)\n"
    "  --rounds N       rounds per configuration (default 5)\n"
    "  --payload BYTES  size of each event's data (default 100)\n"
    "  --dir PATH       where scratch databases go (default: the system temp dir);\n"
    "                   put it on the disk you want to measure\n"
    "  --raw-threads L  thread counts of the raw baseline, comma-separated (default 1,8);\n"
    "                   the x raw-N columns compare with the first two\n"
    "  --appenders L    appender counts of the event log (default 1,8,64)\n"
    "  --json           instead of the table, one JSON object per configuration and\n"
    "                   round: {name, kind, durability, threads, round, events_per_second,\n"
    "                   events_per_batch, p50_ms, p99_ms}\n";

struct Round {
  double events_per_second = 0;
  double events_per_batch = 0;  // the log only: how much group commit merged
  double p50_ms = 0, p99_ms = 0;  // of one append (one synced write for the raw baseline)
};

struct Row {
  std::string name;
  std::vector<Round> rounds;
  bool is_log = false;
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  if (n == 0) return 0;
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// A scratch directory for one round, removed when the round ends.
class ScratchDir {
 public:
  explicit ScratchDir(const fs::path& parent) {
    static int counter = 0;
    path_ = parent / fmt::format("bench-log-{}-{}", getpid(), counter++);
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

// Each worker records the latency of every operation it completes here.
using Latencies = std::vector<double>;  // milliseconds

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  size_t k = static_cast<size_t>(p / 100.0 * static_cast<double>(values.size()));
  k = std::min(k, values.size() - 1);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  return values[k];
}

// Times one operation into `latencies`; returns what the operation returned.
template <typename Op>
bool timed(Latencies& latencies, Op&& op) {
  const auto start = Clock::now();
  const bool ok = op();
  latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  return ok;
}

// Starts `threads` workers together, lets them run for `seconds`, and returns
// how many operations they completed per second of wall time, with the p50
// and p99 of every worker's latencies together.
double run_threads(int threads, double seconds,
                   const std::function<uint64_t(int, const std::atomic<bool>&, Latencies&)>& work,
                   Round* round) {
  std::atomic<bool> stop{false};
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<uint64_t> done(static_cast<size_t>(threads), 0);
  std::vector<Latencies> latencies(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      latencies[static_cast<size_t>(t)].reserve(1 << 16);
      ++ready;
      while (!go) std::this_thread::yield();
      done[static_cast<size_t>(t)] = work(t, stop, latencies[static_cast<size_t>(t)]);
    });
  }
  while (ready < threads) std::this_thread::yield();
  auto start = Clock::now();
  go = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : pool) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  uint64_t total = 0;
  for (uint64_t n : done) total += n;
  Latencies all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  round->p50_ms = percentile(all, 50);
  round->p99_ms = percentile(all, 99);
  return static_cast<double>(total) / elapsed;
}

std::string payload_text(size_t bytes) {
  return std::string(bytes, 'x');
}

// What one stored event weighs, so the raw baseline writes as many bytes.
std::string sample_event_bytes(const Settings& s) {
  EventEnvelope e;
  e.position = 123456;
  e.stream = "bench-12";
  e.version = 10000;
  e.type = "BenchEvent";
  e.occurred_at_ms = 1700000000000;
  e.actor = Actor{"user", "user-bench", "user-bench"};
  e.request_id = "req-0123456789";
  e.data = {{"payload", payload_text(s.payload)}};
  e.prev_hash = zero_hash();
  auto bytes = seal_event(e);
  return bytes.ok() ? *bytes : std::string(s.payload + 400, 'x');
}

Round raw_round(const Settings& s, int threads) {
  ScratchDir dir(s.dir);
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status opened = rocksdb::DB::Open(options, dir.str(), &raw);
  if (!opened.ok()) {
    std::fprintf(stderr, "bench-log: %s\n", opened.ToString().c_str());
    std::exit(1);
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  const std::string value = sample_event_bytes(s);
  std::atomic<uint64_t> next_key{1};
  Round round;
  round.events_per_second = run_threads(
      threads, s.seconds,
      [&](int, const auto& stop, Latencies& latencies) {
        rocksdb::WriteOptions sync;
        sync.sync = true;
        uint64_t n = 0;
        while (!stop) {
          rocksdb::WriteBatch batch;
          batch.Put(encode_u64(next_key++), value);
          if (!timed(latencies, [&] { return db->Write(sync, &batch).ok(); })) break;
          ++n;
        }
        return n;
      },
      &round);
  round.events_per_batch = 1;
  db->Close().PermitUncheckedError();
  return round;
}

Round log_round(const Settings& s, int threads, Durability durability) {
  ScratchDir dir(s.dir);
  LogOptions options;
  options.durability = durability;
  auto opened = RocksEventLog::open(dir.str(), options);
  if (!opened.ok()) {
    std::fprintf(stderr, "bench-log: %s\n", opened.error().detail.c_str());
    std::exit(1);
  }
  RocksEventLog& log = **opened;
  const std::string payload = payload_text(s.payload);
  std::atomic<bool> failed{false};
  Round round;
  round.events_per_second = run_threads(
      threads, s.seconds,
      [&](int t, const auto& stop, Latencies& latencies) {
        uint64_t n = 0;
        std::string stream = fmt::format("bench-{}", t);
        while (!stop) {
          AppendRequest request;
          request.streams.push_back({stream,
                                     ExpectedVersion::exact(n),
                                     {NewEvent{"BenchEvent", 1, {{"payload", payload}}}}});
          request.actor = Actor{"user", "user-bench", "user-bench"};
          request.request_id = fmt::format("req-{}-{}", t, n);
          if (!timed(latencies, [&] { return log.append(std::move(request)).ok(); })) {
            failed = true;
            break;
          }
          ++n;
        }
        return n;
      },
      &round);
  if (failed) {
    std::fprintf(stderr, "bench-log: an append failed\n");
    std::exit(1);
  }
  AppendStats stats = log.stats();
  round.events_per_batch =
      stats.batches ? static_cast<double>(stats.events) / static_cast<double>(stats.batches) : 0;
  return round;
}

// "1,8,64" -> {1, 8, 64}; an entry that is not a positive number makes it empty.
std::vector<int> parse_list(const char* text) {
  std::vector<int> values;
  for (const char* p = text; *p;) {
    char* end = nullptr;
    const long v = std::strtol(p, &end, 10);
    if (end == p || v <= 0 || v > 1024) return {};
    values.push_back(static_cast<int>(v));
    p = *end == ',' ? end + 1 : end;
    if (*end && *end != ',') return {};
  }
  return values;
}

bool parse(int argc, char** argv, Settings* s) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (arg == "--seconds" && (v = value())) {
      s->seconds = std::atof(v);
    } else if (arg == "--rounds" && (v = value())) {
      s->rounds = std::atoi(v);
    } else if (arg == "--payload" && (v = value())) {
      s->payload = static_cast<size_t>(std::atol(v));
    } else if (arg == "--dir" && (v = value())) {
      s->dir = v;
    } else if (arg == "--raw-threads" && (v = value())) {
      s->raw_threads = parse_list(v);
    } else if (arg == "--appenders" && (v = value())) {
      s->appenders = parse_list(v);
    } else if (arg == "--json") {
      s->json = true;
    } else {
      std::fprintf(stderr, "bench-log: bad argument %s\n\n%s", arg.c_str(), kUsage);
      return false;
    }
  }
  if (s->seconds <= 0 || s->rounds <= 0) {
    std::fprintf(stderr, "bench-log: --seconds and --rounds must be positive\n");
    return false;
  }
  if (s->raw_threads.empty() && s->appenders.empty()) {
    std::fprintf(stderr, "bench-log: --raw-threads and --appenders need positive numbers\n");
    return false;
  }
  return true;
}

// The 1-minute load average: other work on the machine skews every figure.
std::string load_average() {
  double one = 0;
  FILE* f = std::fopen("/proc/loadavg", "r");
  if (!f) return "?";
  int read = std::fscanf(f, "%lf", &one);
  std::fclose(f);
  return read == 1 ? fmt::format("{:.2f}", one) : "?";
}

void print_header(const Settings& s) {
  utsname host{};
  uname(&host);
  char date[64];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  std::printf("bench-log  %s  %s %s, %u hardware threads, load average %s\n", date, host.sysname,
              host.machine, std::thread::hardware_concurrency(), load_average().c_str());
  std::printf(
      "%d rounds x %.1f s per configuration, %zu-byte event data (%zu bytes stored), "
      "data under %s\n\n",
      s.rounds, s.seconds, s.payload, sample_event_bytes(s).size(), s.dir.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  if (!parse(argc, argv, &settings)) return 2;
  std::error_code ec;
  fs::create_directories(settings.dir, ec);
  if (!settings.json) print_header(settings);

  struct Config {
    std::string name;
    std::function<Round()> run;
    bool is_log;
    const char* durability;  // "always" | "never"
    int threads;
  };
  std::vector<Config> configs;
  for (int threads : settings.raw_threads) {
    configs.push_back({fmt::format("raw RocksDB, synced batch per event, {} thread{}", threads,
                                   threads == 1 ? "" : "s"),
                       [&settings, threads] { return raw_round(settings, threads); }, false,
                       "always", threads});
  }
  for (Durability durability : {Durability::always, Durability::never}) {
    const char* sync = durability == Durability::always ? "always" : "never";
    for (int appenders : settings.appenders) {
      configs.push_back({fmt::format("event log, sync {}, {} appender{}", sync, appenders,
                                     appenders == 1 ? "" : "s"),
                         [&settings, appenders, durability] {
                           return log_round(settings, appenders, durability);
                         },
                         true, sync, appenders});
    }
  }

  // Rounds interleave configurations, so a slow spell of the machine hits all
  // of them rather than one.
  std::vector<Row> rows(configs.size());
  for (size_t c = 0; c < configs.size(); ++c) {
    rows[c].name = configs[c].name;
    rows[c].is_log = configs[c].is_log;
  }
  for (int r = 0; r < settings.rounds; ++r) {
    std::fprintf(stderr, "round %d/%d\n", r + 1, settings.rounds);
    for (size_t c = 0; c < configs.size(); ++c) {
      rows[c].rounds.push_back(configs[c].run());
      if (settings.json) {
        const Round& round = rows[c].rounds.back();
        nlohmann::json line = {{"name", configs[c].name},
                               {"kind", configs[c].is_log ? "log" : "raw"},
                               {"durability", configs[c].durability},
                               {"threads", configs[c].threads},
                               {"round", r + 1},
                               {"events_per_second", round.events_per_second},
                               {"events_per_batch", round.events_per_batch},
                               {"p50_ms", round.p50_ms},
                               {"p99_ms", round.p99_ms}};
        std::printf("%s\n", line.dump().c_str());
        std::fflush(stdout);
      }
    }
  }
  if (settings.json) return 0;

  auto rates = [](const Row& row) {
    std::vector<double> v;
    for (const auto& r : row.rounds) v.push_back(r.events_per_second);
    return v;
  };
  auto medians = [](const Row& row, double Round::*field) {
    std::vector<double> v;
    for (const auto& r : row.rounds) v.push_back(r.*field);
    return median(v);
  };
  // The x raw-N columns compare with the first two raw baselines asked for.
  const size_t raws = std::min<size_t>(2, settings.raw_threads.size());
  std::vector<double> raw_medians;
  std::printf("%-48s %12s %10s %10s %10s %8s %8s", "configuration", "median ev/s", "min", "max",
              "ev/batch", "p50 ms", "p99 ms");
  for (size_t i = 0; i < raws; ++i) {
    raw_medians.push_back(median(rates(rows[i])));
    std::printf(" %9s", fmt::format("x raw-{}", settings.raw_threads[i]).c_str());
  }
  std::printf("\n");
  for (const auto& row : rows) {
    std::vector<double> v = rates(row);
    double m = median(v);
    std::printf("%-48s %12.0f %10.0f %10.0f %10.1f %8.2f %8.2f", row.name.c_str(), m,
                *std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end()),
                medians(row, &Round::events_per_batch), medians(row, &Round::p50_ms),
                medians(row, &Round::p99_ms));
    for (double raw : raw_medians) std::printf(" %9.2f", raw > 0 ? m / raw : 0);
    std::printf("\n");
  }
  std::printf("\nload average at the end: %s\n", load_average().c_str());
  std::printf(
      "ev/batch: events per WriteBatch (group commit); p50/p99: latency of one append\n"
      "(median over rounds); x raw-N: median / median of the raw baseline with N threads.\n");
  return 0;
}
