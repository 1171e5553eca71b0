// Snapshots shared through a PostgreSQL store's `snapshots` table: written
// byte-exact with their position, hash and node, trimmed to the newest two; a
// start with an empty data directory begins at the newest shared one and
// replays only the log after it; a damaged row (bytes or hash) is reported and
// skipped, and the state is still a full replay's. ctest runs it in the
// throwaway cluster (pg_cluster fixture), a database per test.
#include <boost/test/unit_test.hpp>
#include <random>

#include "domain/event_types.h"
#include "events/pg_event_log.h"
#include "projections/snapshot_files.h"
#include "projections/snapshotter.h"
#include "projections_random_commands.h"
#include "test_store.h"

using namespace closient;
using namespace closient::testing;

namespace {

std::unique_ptr<PgEventLog> open_pg(const TestDatabase& database,
                                    OpenMode mode = OpenMode::read_write) {
  PgOptions options;
  options.mode = mode;
  options.durability = Durability::never;
  options.catalog = &domain_event_catalog();
  options.follow = false;
  auto log = PgEventLog::open(database.uri(), std::move(options));
  BOOST_REQUIRE_MESSAGE(log.ok(), (log.ok() ? "" : log.error().detail));
  return std::move(log).value();
}

// Appends `from`'s events after position `after`, through `through`, to `to`
// one by one as they were (accountctl migrate's way: same positions, same
// hashes), so the PostgreSQL log holds the random traffic's domain events.
void copy_events(EventLog& from, EventLog& to, uint64_t after, uint64_t through) {
  std::vector<AppendRequest> requests;
  ReadFilter filter;
  filter.after_position = after;
  BOOST_REQUIRE(from.scan(filter,
                          [&](const EventEnvelope& e) {
                            if (e.position > through) return false;
                            AppendRequest request;
                            request.streams.push_back({e.stream,
                                                       ExpectedVersion::exact(e.version - 1),
                                                       {NewEvent{e.type, e.schema, e.data}}});
                            request.actor = e.actor;
                            request.request_id = e.request_id;
                            request.occurred_at_ms = e.occurred_at_ms;
                            requests.push_back(std::move(request));
                            return true;
                          })
                    .ok());
  for (const auto& appended : to.append_all(std::move(requests))) {
    BOOST_REQUIRE_MESSAGE(appended.ok(), (appended.ok() ? "" : appended.error().detail));
  }
  BOOST_REQUIRE(to.last_position() == through);
}

std::unique_ptr<ServingState> full_replay(EventLog& log) {
  auto state = std::make_unique<ServingState>();
  auto replayed = replay_log(log, *state);
  BOOST_REQUIRE(replayed.ok());
  BOOST_REQUIRE(replayed->apply_errors == 0u);
  return state;
}

// A PostgreSQL log holding a copy of random traffic's first `events` events.
struct SharedWorld {
  explicit SharedWorld(uint64_t seed) {
    RandomTraffic(source, seed).run(500);
    BOOST_REQUIRE(source.log->last_position() > 300u);
    log = open_pg(database);
  }
  // Copies the source's events up to `through`.
  void copy_through(uint64_t through) {
    copy_events(*source.log, *log, log->last_position(), through);
  }
  // Writes the state the log holds now as a shared snapshot; answers its position.
  uint64_t share_snapshot_now() {
    const StoredSnapshot snapshot = snapshot_of(*full_replay(*log));
    BOOST_REQUIRE(log->shared_snapshots()->write(snapshot).ok());
    return snapshot.position;
  }
  Result<LoadedState> load(const SnapshotStore& files, std::vector<std::string>* notes) {
    return load_serving_state(*log, {&files, log->shared_snapshots()},
                              [notes](const std::string& line) { notes->push_back(line); });
  }

  ProjectedWorld source;
  TestDatabase database;
  std::unique_ptr<PgEventLog> log;
};

std::string random_bytes(size_t size, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
  return bytes;
}

uint64_t count_rows(const TestDatabase& database) {
  auto rows = database.connect()->exec("SELECT count(*) FROM snapshots");
  BOOST_REQUIRE(rows.ok());
  return rows->u64(0, 0);
}

bool mentions(const std::vector<std::string>& notes, const std::string& text) {
  for (const std::string& note : notes) {
    if (note.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_shared_snapshot_reads_back_byte_exact_and_only_the_newest_two_are_kept) {
  TestDatabase database;
  auto log = open_pg(database);
  SnapshotStore& shared = *log->shared_snapshots();
  // Every byte value, NULs included: bytea, never text.
  const std::string first = random_bytes(300000, 1);
  BOOST_REQUIRE(shared.write(StoredSnapshot{5, std::string(64, 'a'), first}).ok());
  auto positions = shared.positions();
  BOOST_REQUIRE(positions.ok());
  BOOST_TEST((*positions == std::vector<uint64_t>{5}));
  auto read = shared.read(5);
  BOOST_REQUIRE(read.ok());
  BOOST_TEST(read->position == 5u);
  BOOST_TEST(read->hash == std::string(64, 'a'));
  BOOST_TEST((read->bytes == first));
  BOOST_TEST(read->bytes.size() == first.size());
  auto row = database.connect()->exec("SELECT node_id FROM snapshots WHERE position = 5");
  BOOST_REQUIRE(row.ok());
  BOOST_TEST(row->text(0, 0) == log->node_id());

  // Another write at the same position (another node, a rebuild): no failure,
  // one row, the newer bytes.
  BOOST_TEST(shared.write(StoredSnapshot{5, std::string(64, 'b'), "other"}).ok());
  BOOST_TEST(count_rows(database) == 1u);
  BOOST_TEST((shared.read(5)->bytes == "other"));
  BOOST_TEST(shared.write(StoredSnapshot{5, std::string(64, 'a'), first}).ok());
  BOOST_TEST((shared.read(5)->bytes == first));

  for (uint64_t p : {9, 12, 7}) {
    BOOST_REQUIRE(shared.write(StoredSnapshot{p, std::string(64, 'c'), random_bytes(100, p)}).ok());
  }
  BOOST_TEST((*shared.positions() == std::vector<uint64_t>{12, 9}));
  BOOST_TEST(count_rows(database) == 2u);
  BOOST_TEST((shared.read(12)->bytes == random_bytes(100, 12)));
  BOOST_TEST(!shared.read(5).ok());  // trimmed

  // A reader may read them, never write.
  auto reader = open_pg(database, OpenMode::read_only);
  BOOST_TEST((*reader->shared_snapshots()->positions() == std::vector<uint64_t>{12, 9}));
  BOOST_TEST(!reader->shared_snapshots()->write(StoredSnapshot{20, "x", "y"}).ok());
  BOOST_TEST(count_rows(database) == 2u);
}

BOOST_AUTO_TEST_CASE(an_empty_data_directory_starts_from_the_shared_snapshot_and_replays_the_rest) {
  SharedWorld w(31);
  const uint64_t last = w.source.log->last_position();
  w.copy_through(last / 2);
  const uint64_t at = w.share_snapshot_now();
  w.copy_through(last);
  BOOST_REQUIRE(at == last / 2);

  TempDir empty;
  SnapshotFiles files(empty.path());
  std::vector<std::string> notes;
  auto loaded = w.load(files, &notes);
  BOOST_REQUIRE(loaded.ok());
  BOOST_TEST(notes.empty());
  BOOST_TEST(loaded->snapshot_position == at);
  BOOST_TEST(loaded->snapshot_name == "shared snapshot at position " + std::to_string(at));
  BOOST_TEST(loaded->replay.events == last - at);  // only the events after it
  BOOST_TEST(loaded->state->position() == last);
  BOOST_TEST(loaded->state->first_difference(*full_replay(*w.log)) == "");
  BOOST_TEST(loaded->state->first_difference(*full_replay(*w.source.log)) == "");

  // That node's snapshotter writes its files and the table.
  LiveState live(std::move(loaded->state));
  Snapshotter snapshotter(live, {&files, w.log->shared_snapshots()}, at, {}, {});
  BOOST_REQUIRE(snapshotter.snapshot_now().ok());
  BOOST_TEST((*files.positions() == std::vector<uint64_t>{last}));
  BOOST_TEST((*w.log->shared_snapshots()->positions() == std::vector<uint64_t>{last, at}));
  auto row = w.database.connect()->query("SELECT hash FROM snapshots WHERE position = $1",
                                         PgParams().number(last));
  BOOST_REQUIRE(row.ok());
  BOOST_TEST(row->text(0, 0) == live.read()->last_hash());
  BOOST_TEST((w.log->shared_snapshots()->read(last)->bytes == files.read(last)->bytes));
  snapshotter.stop();
}

BOOST_AUTO_TEST_CASE(a_damaged_shared_snapshot_is_reported_and_skipped) {
  SharedWorld w(37);
  const uint64_t last = w.source.log->last_position();
  w.copy_through(last / 3);
  const uint64_t older = w.share_snapshot_now();
  w.copy_through(2 * last / 3);
  const uint64_t newer = w.share_snapshot_now();
  w.copy_through(last);
  TempDir empty;
  SnapshotFiles files(empty.path());
  auto tamper = w.database.connect();

  // One byte of the newer row's bytes flipped: its checksum fails.
  BOOST_REQUIRE(tamper
                    ->query("UPDATE snapshots SET bytes = set_byte(bytes, 100, "
                            "get_byte(bytes, 100) # 1) WHERE position = $1",
                            PgParams().number(newer))
                    .ok());
  std::vector<std::string> notes;
  auto loaded = w.load(files, &notes);
  BOOST_REQUIRE(loaded.ok());
  BOOST_TEST(loaded->snapshot_position == older);
  BOOST_TEST(loaded->replay.events == last - older);
  BOOST_TEST(notes.size() == 1u);
  BOOST_TEST(mentions(notes, "shared snapshot at position " + std::to_string(newer)));
  BOOST_TEST(mentions(notes, "checksum"));
  BOOST_TEST(loaded->state->first_difference(*full_replay(*w.log)) == "");

  // The older row's bytes are intact, but its recorded hash is not the log's.
  BOOST_REQUIRE(tamper
                    ->query("UPDATE snapshots SET hash = repeat('0', 64) WHERE position = $1",
                            PgParams().number(older))
                    .ok());
  notes.clear();
  loaded = w.load(files, &notes);
  BOOST_REQUIRE(loaded.ok());
  BOOST_TEST(loaded->snapshot_position == 0u);  // a full replay
  BOOST_TEST(loaded->replay.events == last);
  BOOST_TEST(notes.size() == 2u);
  BOOST_TEST(mentions(
      notes, "shared snapshot at position " + std::to_string(older) + " does not match the log"));
  BOOST_TEST(loaded->state->first_difference(*full_replay(*w.log)) == "");
}

BOOST_AUTO_TEST_CASE(a_damaged_file_falls_back_to_the_shared_snapshot_at_the_same_position) {
  SharedWorld w(41);
  const uint64_t last = w.source.log->last_position();
  w.copy_through(last / 2);
  const uint64_t at = w.share_snapshot_now();
  w.copy_through(last);
  TempDir dir;
  SnapshotFiles files(dir.path());
  StoredSnapshot damaged = *w.log->shared_snapshots()->read(at);
  damaged.bytes[damaged.bytes.size() / 2] ^= 0x40;
  BOOST_REQUIRE(files.write(damaged).ok());

  std::vector<std::string> notes;
  auto loaded = w.load(files, &notes);
  BOOST_REQUIRE(loaded.ok());
  BOOST_TEST(notes.size() == 1u);
  BOOST_TEST(mentions(notes, files.path_of(at)));
  BOOST_TEST(loaded->snapshot_position == at);
  BOOST_TEST(loaded->snapshot_name == "shared snapshot at position " + std::to_string(at));
  BOOST_TEST(loaded->state->first_difference(*full_replay(*w.log)) == "");
}
