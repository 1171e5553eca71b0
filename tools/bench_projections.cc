// bench-projections: how fast the serving state rebuilds from the log, beside
// the raw speed of iterating the same log without decoding it; and what a deep
// page of a large organization's member list costs beside its first page.
//
// It builds a log of --events events (durability never, the serving state
// following it through the commit observer): one organization of --members
// members (a UserCreated and a MemberInvited each) and many small organizations
// with the rest of the event types mixed in. Then, on that log:
//   - raw:     a RocksDB iterator over the events column family, no decoding;
//   - decode:  EventLog::scan, every event decoded into an envelope;
//   - rebuild: replay_log into a fresh ServingState, every event decoded and
//              applied (what accountctl rebuild does before its snapshot);
//   - list_members of the large organization: first, middle and last page,
//     answered by AccountQueries from the rebuilt state.
// Every figure is the median of repeated runs.
#include <fmt/format.h>
#include <rocksdb/db.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "domain/api_key.h"
#include "domain/event_types.h"
#include "domain/ids.h"
#include "domain/organization.h"
#include "domain/random_source.h"
#include "domain/user.h"
#include "events/rocks_event_log.h"
#include "events/rocks_store.h"
#include "projections/live_state.h"
#include "projections/queries.h"
#include "projections/replay.h"

namespace fs = std::filesystem;
using namespace closient;
using Clock = std::chrono::steady_clock;

namespace {

struct Settings {
  uint64_t events = 1'000'000;
  uint64_t members = 100'000;
  int passes = 3;      // runs of each whole-log measurement
  int page_runs = 51;  // runs of each page latency
  fs::path dir = fs::temp_directory_path();
  bool keep = false;
};

const char kUsage[] =
    "usage: bench-projections [--events N] [--members M] [--passes P] [--page-runs R]\n"
    "                         [--dir PATH] [--keep]\n"
    "\n"
    "Builds a log of N events (durability never, serving state kept live) holding\n"
    "one organization of M members plus many small ones, then measures on it:\n"
    "iterating the events column family raw (no decoding), scanning it decoded,\n"
    "and a full rebuild of the serving state (events per second, median of P passes);\n"
    "and list_members of the large organization, first vs middle vs last page\n"
    "(page_size 25 and 100, median of R runs).\n"
    "\n"
    "  --events N     events in the log (default 1000000)\n"
    "  --members M    members of the large organization (default 100000;\n"
    "                 at most N/2 - 2, as each member costs two events)\n"
    "  --passes P     runs of each whole-log measurement (default 3)\n"
    "  --page-runs R  runs of each page latency (default 51)\n"
    "  --dir PATH     where the scratch database goes (default: the system temp dir)\n"
    "  --keep         leave the database there afterwards\n";

// splitmix64: fast, and good enough for ids in a benchmark.
class FastRandom final : public RandomSource {
 public:
  void fill(unsigned char* out, size_t n) override {
    for (size_t i = 0; i < n; ++i) {
      if (left_ == 0) {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        word_ = z ^ (z >> 31);
        left_ = 8;
      }
      out[i] = static_cast<unsigned char>(word_);
      word_ >>= 8;
      --left_;
    }
  }
  uint64_t below(uint64_t n) {
    unsigned char bytes[8];
    fill(bytes, 8);
    uint64_t v = 0;
    std::memcpy(&v, bytes, 8);
    return v % n;
  }

 private:
  uint64_t state_ = 42, word_ = 0;
  int left_ = 0;
};

bool parse_settings(int argc, char** argv, Settings& s) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (arg == "--keep") {
      s.keep = true;
    } else if (arg == "--events" && (v = value())) {
      s.events = std::strtoull(v, nullptr, 10);
    } else if (arg == "--members" && (v = value())) {
      s.members = std::strtoull(v, nullptr, 10);
    } else if (arg == "--passes" && (v = value())) {
      s.passes = std::max(1, std::atoi(v));
    } else if (arg == "--page-runs" && (v = value())) {
      s.page_runs = std::max(1, std::atoi(v));
    } else if (arg == "--dir" && (v = value())) {
      s.dir = v;
    } else {
      std::fprintf(stderr, "bench-projections: bad argument %s\n\n%s", arg.c_str(), kUsage);
      return false;
    }
  }
  if (s.events < 10) s.events = 10;
  s.members = std::min(s.members, s.events / 2 - 2);
  return true;
}

[[noreturn]] void fail(const std::string& what, const Error& error) {
  std::fprintf(stderr, "bench-projections: %s: %s\n", what.c_str(), error.detail.c_str());
  std::exit(1);
}

template <typename T>
T must(Result<T> result, const std::string& what) {
  if (!result.ok()) fail(what, result.error());
  return std::move(result).value();
}

// CPU time of the whole process (RocksDB's background threads included).
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double seconds_of(const std::function<void()>& run) {
  const auto start = Clock::now();
  run();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Wall and CPU seconds of one run. On a shared machine the CPU figure is the
// steadier of the two.
struct Timing {
  double wall = 0;
  double cpu = 0;
};

Timing timing_of(const std::function<void()>& run) {
  const double cpu_before = cpu_seconds();
  Timing t;
  t.wall = seconds_of(run);
  t.cpu = cpu_seconds() - cpu_before;
  return t;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

template <typename T>
NewEvent event_of(const T& data) {
  return NewEvent{T::kType, T::kSchema, nlohmann::json(data)};
}

// ---- Building the log ----

struct Person {
  std::string id, email, name;
};

class LogBuilder {
 public:
  LogBuilder(RocksEventLog& log, const Settings& settings) : log_(log), settings_(settings) {}

  std::string big_org_id, big_owner_id;

  void build() {
    people_ = make_people(std::min<uint64_t>(2000, settings_.events / 20 + 1));
    big_owner_id = people_[0].id;
    big_org_id = new_org(people_[0]);
    invite_new_users(big_org_id, settings_.members);
    while (appended_ < settings_.events) small_org();
    flush();
  }

  uint64_t appended() const { return appended_; }

 private:
  StreamAppend org_append(const std::string& org_id) {
    return StreamAppend{org_stream(org_id), ExpectedVersion::any(), {}};
  }

  void queue(StreamAppend append) {
    appended_ += append.events.size();
    AppendRequest request;
    request.streams.push_back(std::move(append));
    queue(std::move(request));
  }

  void queue(AppendRequest request) {
    request.actor = Actor{"operator", "bench", ""};
    request.request_id = "bench";
    request.occurred_at_ms = now_ += 7;
    pending_.push_back(std::move(request));
    if (pending_.size() >= 64) flush();
  }

  void flush() {
    if (pending_.empty()) return;
    for (auto& result : log_.append_all(std::move(pending_))) must(std::move(result), "append");
    pending_.clear();
  }

  std::vector<Person> make_people(uint64_t count) {
    std::vector<Person> people;
    for (uint64_t i = 0; i < count; ++i) {
      Person p{new_id(random_), fmt::format("person{}@example.com", i),
               fmt::format("Person {}", i)};
      UserCreated created;
      created.user_id = p.id;
      created.email = p.email;
      created.name = p.name;
      created.created_via = "bootstrap";
      queue(StreamAppend{user_stream(p.id), ExpectedVersion::no_stream(), {event_of(created)}});
      people.push_back(std::move(p));
    }
    return people;
  }

  MemberInvited joined(const Person& who, Role role, const std::string& by) {
    MemberInvited invited;
    invited.member_id = new_id(random_);
    invited.user_id = who.id;
    invited.email = who.email;
    invited.name = who.name;
    invited.role = role;
    invited.joined_at_ms = now_;
    invited.added_by = by;
    return invited;
  }

  std::string new_org(const Person& owner) {
    OrganizationCreated created;
    created.org_id = new_id(random_);
    created.name = "Org " + created.org_id.substr(0, 6);
    created.country = "US";
    created.created_by = owner.id;
    MemberAdded added;
    static_cast<MemberJoined&>(added) = joined(owner, Role::owner, owner.id);
    StreamAppend append = org_append(created.org_id);
    append.events = {event_of(created), event_of(added)};
    queue(std::move(append));
    return created.org_id;
  }

  // Invites of users created in the same append, as InviteMember does, many per append.
  void invite_new_users(const std::string& org_id, uint64_t count) {
    constexpr uint64_t kPerAppend = 256;
    for (uint64_t done = 0; done < count;) {
      AppendRequest request;
      StreamAppend org = org_append(org_id);
      for (uint64_t i = 0; i < kPerAppend && done < count; ++i, ++done) {
        Person p{new_id(random_), fmt::format("member{}@example.com", done),
                 fmt::format("Member {}", done)};
        UserCreated created;
        created.user_id = p.id;
        created.email = p.email;
        created.created_via = "invite";
        created.invited_to_org = org_id;
        request.streams.push_back(
            StreamAppend{user_stream(p.id), ExpectedVersion::no_stream(), {event_of(created)}});
        org.events.push_back(event_of(joined(p, static_cast<Role>(1 + done % 3), big_owner_id)));
      }
      appended_ += request.streams.size() + org.events.size();
      request.streams.push_back(std::move(org));
      queue(std::move(request));
    }
  }

  // A small organization living a little: invites, role changes, removals, keys.
  void small_org() {
    const Person& owner = people_[random_.below(people_.size())];
    const std::string org_id = new_org(owner);
    StreamAppend append = org_append(org_id);
    std::vector<MemberInvited> members;
    for (int i = 0; i < 10; ++i) {
      const Person& who = people_[random_.below(people_.size())];
      if (who.id == owner.id) continue;
      bool already = false;
      for (const auto& m : members) already = already || m.user_id == who.id;
      if (already) continue;
      members.push_back(joined(who, static_cast<Role>(1 + random_.below(3)), owner.id));
      append.events.push_back(event_of(members.back()));
    }
    for (size_t i = 0; i < members.size() && i < 3; ++i) {
      MemberRoleChanged changed;
      changed.member_id = members[i].member_id;
      changed.from = members[i].role;
      changed.to = members[i].role == Role::editor ? Role::billing : Role::editor;
      changed.changed_by = owner.id;
      append.events.push_back(event_of(changed));
    }
    for (size_t i = 3; i < members.size() && i < 5; ++i) {
      MemberRemoved removed;
      removed.member_id = members[i].member_id;
      removed.user_id = members[i].user_id;
      removed.reason = "removed";
      removed.removed_by = owner.id;
      append.events.push_back(event_of(removed));
    }
    std::vector<std::string> keys;
    for (int i = 0; i < 3; ++i) {
      GeneratedApiKey generated = generate_api_key(KeyKind::business, random_);
      OrgApiKeyCreated created;
      created.key_id = new_id(random_);
      created.name = "key";
      created.key_sha256 = generated.sha256;
      created.prefix = generated.display_prefix;
      created.created_at_ms = now_;
      created.created_by = owner.id;
      keys.push_back(created.key_id);
      append.events.push_back(event_of(created));
    }
    OrgApiKeyRevoked revoked;
    revoked.key_id = keys[0];
    revoked.revoked_at_ms = now_;
    revoked.revoked_by = owner.id;
    append.events.push_back(event_of(revoked));
    OrganizationUpdated updated;
    updated.name = "Renamed " + org_id.substr(0, 6);
    append.events.push_back(event_of(updated));
    queue(std::move(append));
  }

  RocksEventLog& log_;
  const Settings& settings_;
  FastRandom random_;
  std::vector<Person> people_;
  std::vector<AppendRequest> pending_;
  uint64_t appended_ = 0;
  int64_t now_ = 1'780'000'000'000;
};

// Opened as the server opens it (upcasting through the domain's catalog), but
// with no observer: each measurement says what it feeds.
std::unique_ptr<RocksEventLog> open_log(const fs::path& dir) {
  LogOptions options;
  options.durability = Durability::never;
  options.catalog = &domain_event_catalog();
  return must(RocksEventLog::open(dir.string(), options), "open the log");
}

// Every event of the log applied to a fresh, empty serving state.
std::unique_ptr<ServingState> rebuild_state(RocksEventLog& log) {
  auto state = std::make_unique<ServingState>();
  ReplayReport report = must(replay_log(log, *state), "rebuild");
  if (report.apply_errors != 0) {
    fail("rebuild", Error::make(ErrorCode::internal_error,
                                fmt::format("{} events did not apply", report.apply_errors)));
  }
  return state;
}

// ---- Measurements ----

// The events column family, iterated with nothing decoded: the floor any
// reader of the whole log pays. Runs on the database opened read-only; the
// open is not timed.
Timing raw_iteration(const fs::path& dir, uint64_t expected) {
  auto store = must(RocksStore::open(dir.string(), OpenMode::read_only), "open read-only");
  uint64_t count = 0, bytes = 0;
  Timing t = timing_of([&] {
    std::unique_ptr<rocksdb::Iterator> it(
        store->db()->NewIterator(rocksdb::ReadOptions(), store->events()));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++count;
      bytes += it->value().size();
    }
  });
  if (count != expected) {
    fail("raw iteration", Error::make(ErrorCode::internal_error,
                                      fmt::format("saw {} events, not {}", count, expected)));
  }
  return t;
}

struct PageTiming {
  std::string label;
  double median_ms = 0;
};

std::vector<PageTiming> page_latencies(AccountQueries& queries, const Caller& owner,
                                       const std::string& org_id, uint64_t members, int runs) {
  struct Case {
    std::string label;
    PageRequest page;
  };
  std::vector<Case> cases;
  for (uint64_t size : {25, 100}) {
    const uint64_t last = (members + size - 1) / size;
    cases.push_back({fmt::format("page 1 of {} (page_size {})", last, size), {1, size}});
    cases.push_back({fmt::format("page {} (middle)", last / 2 + 1), {last / 2 + 1, size}});
    cases.push_back({fmt::format("page {} (last)", last), {last, size}});
  }
  std::vector<std::vector<double>> samples(cases.size());
  for (int run = -1; run < runs; ++run) {  // run -1 warms the caches
    for (size_t c = 0; c < cases.size(); ++c) {
      const double seconds = seconds_of([&] {
        auto body = queries.list_members(owner, org_id, {}, cases[c].page);
        if (!body.ok()) fail("list_members", body.error());
        if (body->at("data").empty()) {
          fail("list_members", Error::make(ErrorCode::internal_error, "an empty page"));
        }
      });
      if (run >= 0) samples[c].push_back(seconds * 1000);
    }
  }
  std::vector<PageTiming> timings;
  for (size_t c = 0; c < cases.size(); ++c) timings.push_back({cases[c].label, median(samples[c])});
  return timings;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  if (!parse_settings(argc, argv, settings)) return 2;
  const fs::path dir = settings.dir / fmt::format("bench-projections-{}", ::getpid());
  fs::remove_all(dir);

  std::string big_org, big_owner;
  uint64_t events = 0;
  double build_seconds = 0;
  {
    // As in the server, each committed group is applied before its answer.
    // Declared first so that the log (and its writer) goes first.
    LiveState live;
    auto log = open_log(dir);
    log->set_commit_observer(live.observer());
    LogBuilder builder(*log, settings);
    build_seconds = seconds_of([&] { builder.build(); });
    big_org = builder.big_org_id;
    big_owner = builder.big_owner_id;
    events = log->last_position();
  }
  std::printf(
      "log: %llu events (an organization of %llu members, and small ones), built and\n"
      "     projected live in %.1f s (%.0f events/s, durability never)\n\n",
      static_cast<unsigned long long>(events),
      static_cast<unsigned long long>(settings.members + 1), build_seconds, events / build_seconds);

  std::vector<double> raw_wall, raw_cpu, decode_wall, decode_cpu, rebuild_wall, rebuild_cpu;
  for (int pass = 0; pass < settings.passes; ++pass) {
    Timing t = raw_iteration(dir, events);
    raw_wall.push_back(t.wall);
    raw_cpu.push_back(t.cpu);
  }
  auto log = open_log(dir);
  for (int pass = 0; pass < settings.passes; ++pass) {
    Timing t = timing_of([&] {
      Status scanned = log->scan(ReadFilter{}, [&](const EventEnvelope&) { return true; });
      if (!scanned.ok()) fail("scan", scanned.error());
    });
    decode_wall.push_back(t.wall);
    decode_cpu.push_back(t.cpu);
    t = timing_of([&] { rebuild_state(*log); });
    rebuild_wall.push_back(t.wall);
    rebuild_cpu.push_back(t.cpu);
  }
  const double raw_s = median(raw_wall);
  std::printf("whole log (%llu events, median of %d passes)\n",
              static_cast<unsigned long long>(events), settings.passes);
  std::printf("  %-42s %9s %12s %8s %9s %12s\n", "pass", "wall s", "events/s", "vs raw", "cpu s",
              "events/cpu-s");
  auto row = [&](const char* name, const std::vector<double>& wall,
                 const std::vector<double>& cpu) {
    const double w = median(wall), c = median(cpu);
    std::printf("  %-42s %9.3f %12.0f %7.1fx %9.3f %12.0f\n", name, w, events / w, w / raw_s, c,
                events / c);
  };
  row("raw iteration (RocksDB, no decoding)", raw_wall, raw_cpu);
  row("decoded scan (EventLog::scan)", decode_wall, decode_cpu);
  row("full rebuild (decode + apply, fresh state)", rebuild_wall, rebuild_cpu);

  // The pages are timed off the state a rebuild made, not the one of the
  // build phase: the same data, laid out as a start from the log lays it out.
  LiveState served(rebuild_state(*log));
  AccountQueries queries(served, *log);
  const Caller owner = Caller::session("bench-session", big_owner, 0);
  auto timings = page_latencies(queries, owner, big_org, settings.members + 1, settings.page_runs);
  std::printf("\nlist_members of the %llu-member organization (median of %d runs)\n",
              static_cast<unsigned long long>(settings.members + 1), settings.page_runs);
  std::printf("  %-40s %10s %10s\n", "page", "ms", "vs page 1");
  for (size_t i = 0; i < timings.size(); ++i) {
    const double first = timings[i - i % 3].median_ms;
    std::printf("  %-40s %10.3f %9.1fx\n", timings[i].label.c_str(), timings[i].median_ms,
                timings[i].median_ms / first);
  }

  log.reset();
  if (!settings.keep) fs::remove_all(dir);
  return 0;
}
