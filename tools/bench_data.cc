// bench-data: data directories for tools/bench/run, written through the event
// log's public interface only, and a raw pass over a log for the rebuild
// baseline.
//
//   bench-data write   --data DIR --orgs N --members M [--users U]
//   bench-data iterate --data DIR
//
// `write` appends plain domain facts (users, organizations, memberships) to the
// log of DIR with durability never, and nothing else: no read model, no
// snapshot, no credential. Whatever the server keeps beside the log it derives
// itself when it first opens DIR, so a data directory written here stays valid
// however the serving state is implemented. Credentials are made afterwards
// through accountctl and the API.
//
// `iterate` walks the `events` column family of DIR with a bare RocksDB
// iterator (opened read-only, nothing decoded): the floor any reader of the
// whole log pays, and the baseline of a rebuild. It depends on the on-disk
// layout of events/FORMAT.md only.
//
// Both print one JSON object on stdout.
#include <fmt/format.h>
#include <rocksdb/db.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "domain/ids.h"
#include "domain/organization.h"
#include "domain/random_source.h"
#include "domain/roles.h"
#include "domain/user.h"
#include "events/rocks_event_log.h"

using namespace closient;
using Clock = std::chrono::steady_clock;

namespace {

const char kUsage[] =
    "usage: bench-data write   --data DIR --orgs N --members M [--users U]\n"
    "       bench-data iterate --data DIR\n"
    "\n"
    "write: appends to the event log of DIR (created if missing; durability never)\n"
    "  U users (UserCreated), then N organizations of M members each: the owner\n"
    "  (OrganizationCreated, MemberAdded) and M-1 invited members (MemberInvited),\n"
    "  all drawn from the U users, so U must be at least M (default U = M).\n"
    "  User i has the email user<i>@bench.example; organization i is owned by user\n"
    "  i mod U. No credential is written: make them with accountctl and the API.\n"
    "  Prints {\"events\", \"users\", \"organizations\", \"members\", \"org_ids\" (the\n"
    "  first 10), \"owner_email\" (of organization 0), \"seconds\"}.\n"
    "\n"
    "iterate: reads every entry of the events column family of DIR with a RocksDB\n"
    "  iterator, opened read-only, decoding nothing. Prints {\"events\", \"bytes\",\n"
    "  \"seconds\"} (the open is not timed).\n";

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "bench-data: %s\n", what.c_str());
  std::exit(1);
}

// splitmix64: ids only need to be distinct, not secret, and this is fast.
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

 private:
  // Seeded from the clock: two data directories never share ids.
  uint64_t state_ = static_cast<uint64_t>(Clock::now().time_since_epoch().count());
  uint64_t word_ = 0;
  int left_ = 0;
};

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

template <typename T>
NewEvent event_of(const T& data) {
  return NewEvent{T::kType, T::kSchema, nlohmann::json(data)};
}

struct Person {
  std::string id, email, name;
};

// Queues appends and hands them to the log 64 at a time: one append_all is one
// WriteBatch, which is what makes a million events take seconds.
class Writer {
 public:
  explicit Writer(RocksEventLog& log) : log_(log) {}
  ~Writer() { flush(); }

  void add(AppendRequest request) {
    for (const auto& stream : request.streams) events_ += stream.events.size();
    request.actor = Actor{"operator", "bench-data", ""};
    request.request_id = "bench-data";
    pending_.push_back(std::move(request));
    if (pending_.size() >= 64) flush();
  }

  void flush() {
    if (pending_.empty()) return;
    for (auto& result : log_.append_all(std::move(pending_))) {
      if (!result.ok()) fail("append: " + result.error().detail);
    }
    pending_.clear();
  }

  uint64_t events() const { return events_; }

 private:
  RocksEventLog& log_;
  std::vector<AppendRequest> pending_;
  uint64_t events_ = 0;
};

struct WriteSettings {
  std::string data;
  uint64_t orgs = 0, members = 0, users = 0;
};

MemberJoined joined(const Person& who, Role role, const std::string& by, int64_t now,
                    RandomSource& random) {
  MemberJoined j;
  j.member_id = new_id(random);
  j.user_id = who.id;
  j.email = who.email;
  j.name = who.name;
  j.role = role;
  j.joined_at_ms = now;
  j.added_by = by;
  return j;
}

int run_write(const WriteSettings& s) {
  LogOptions options;
  options.durability = Durability::never;  // the run measures reads of this data, not its writing
  auto opened = RocksEventLog::open(s.data, options);
  if (!opened.ok()) fail("open " + s.data + ": " + opened.error().detail);
  RocksEventLog& log = **opened;
  if (log.last_position() != 0) fail(s.data + " already holds events");

  const auto started = Clock::now();
  FastRandom random;
  const int64_t now = unix_ms();
  std::vector<Person> users;
  std::vector<std::string> org_ids;
  uint64_t events = 0;
  {
    Writer writer(log);
    // Users, 256 per append (each its own stream, as distinct sign-ups would be).
    for (uint64_t i = 0; i < s.users;) {
      AppendRequest request;
      for (uint64_t n = 0; n < 256 && i < s.users; ++n, ++i) {
        Person p{new_id(random), fmt::format("user{}@bench.example", i), fmt::format("User {}", i)};
        UserCreated created;
        created.user_id = p.id;
        created.email = p.email;
        created.name = p.name;
        created.created_via = "bootstrap";
        request.streams.push_back(
            StreamAppend{user_stream(p.id), ExpectedVersion::no_stream(), {event_of(created)}});
        users.push_back(std::move(p));
      }
      writer.add(std::move(request));
    }
    // Organizations: the owner, then members in appends of at most 256 events,
    // so a 100 000-member organization is not one giant batch.
    for (uint64_t o = 0; o < s.orgs; ++o) {
      const Person& owner = users[o % s.users];
      OrganizationCreated created;
      created.org_id = new_id(random);
      created.name = fmt::format("Bench organization {}", o);
      created.country = "DE";
      created.created_by = owner.id;
      MemberAdded added;
      static_cast<MemberJoined&>(added) = joined(owner, Role::owner, owner.id, now, random);
      StreamAppend append{org_stream(created.org_id), ExpectedVersion::no_stream(),
                          {event_of(created), event_of(added)}};
      for (uint64_t m = 1; m < s.members; ++m) {
        if (append.events.size() == 256) {
          writer.add(AppendRequest{{std::move(append)}, {}, {}, now});
          append = StreamAppend{org_stream(created.org_id), ExpectedVersion::any(), {}};
        }
        MemberInvited invited;
        static_cast<MemberJoined&>(invited) =
            joined(users[(o + m) % s.users], static_cast<Role>(1 + m % 3), owner.id, now, random);
        append.events.push_back(event_of(invited));
      }
      writer.add(AppendRequest{{std::move(append)}, {}, {}, now});
      if (org_ids.size() < 10) org_ids.push_back(created.org_id);
    }
    writer.flush();
    events = writer.events();
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (log.last_position() != events) {
    fail(fmt::format("the log holds {} events, {} were appended", log.last_position(), events));
  }
  nlohmann::json out = {{"events", events},
                        {"users", s.users},
                        {"organizations", s.orgs},
                        {"members", s.members},
                        {"org_ids", org_ids},
                        {"owner_email", users.empty() ? "" : users[0].email},
                        {"seconds", seconds}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

int run_iterate(const std::string& dir) {
  std::vector<std::string> names;
  rocksdb::Status listed = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names);
  if (!listed.ok()) fail(listed.ToString());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& name : names) families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status opened =
      rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir, families, &handles, &raw);
  if (!opened.ok()) fail(opened.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* events = nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "events") events = handles[i];
  }
  if (!events) fail(dir + " has no events column family");

  uint64_t count = 0, bytes = 0;
  const auto started = Clock::now();
  {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), events));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++count;
      bytes += it->value().size();
    }
    if (!it->status().ok()) fail(it->status().ToString());
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  // Debian's RocksDB asserts that handles go before the database.
  for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
  nlohmann::json out = {{"events", count}, {"bytes", bytes}, {"seconds", seconds}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

uint64_t number(const char* text, const char* flag) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (!*text || *end) fail(fmt::format("{} needs a number, not '{}'", flag, text));
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string mode = argv[1];
  WriteSettings s;
  bool users_given = false;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) fail(arg + " needs a value (see --help)");
    const char* v = argv[++i];
    if (arg == "--data") {
      s.data = v;
    } else if (arg == "--orgs") {
      s.orgs = number(v, "--orgs");
    } else if (arg == "--members") {
      s.members = number(v, "--members");
    } else if (arg == "--users") {
      s.users = number(v, "--users");
      users_given = true;
    } else {
      fail("unknown argument " + arg + " (see --help)");
    }
  }
  if (s.data.empty()) fail("--data is required");
  if (mode == "iterate") return run_iterate(s.data);
  if (mode != "write") fail("unknown mode " + mode + " (see --help)");
  if (!users_given) s.users = s.members;
  if (s.orgs == 0 || s.members == 0) fail("--orgs and --members must be at least 1");
  if (s.users < s.members) fail("--users must be at least --members");
  return run_write(s);
}
