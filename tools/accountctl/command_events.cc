// accountctl events: the history, oldest first, filtered; with --follow, the
// live tail. Reads through a secondary instance, so it works beside accountd;
// following polls catch_up(), since another process's appends wake no one here.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include "domain/event_types.h"
#include "domain/ids.h"
#include "events/timestamp.h"
#include "tools/accountctl/cli.h"
#include "tools/accountctl/clock.h"
#include "tools/accountctl/data_dir.h"
#include "tools/accountctl/output.h"

namespace accountctl {
namespace {

using closient::EventEnvelope;
using closient::EventStore;
using closient::ReadFilter;

constexpr auto kFollowPollInterval = std::chrono::milliseconds(200);

// A stream the user asked for: exactly, or every stream starting with it.
struct StreamMatch {
  std::string name;
  bool prefix = false;
};

struct EventQuery {
  ReadFilter filter;  // everything but streams and the limit, which apply here
  std::vector<StreamMatch> streams;
  size_t limit = 0;
  bool follow = false;
};

std::optional<std::string> parse_entity_id(const std::string& flag, const std::string& text,
                                           UsageError* error) {
  std::optional<std::string> id = closient::normalize_id(text);
  if (!id) *error = UsageError{"invalid " + flag + " '" + text + "': not a shortuuid or UUID"};
  return id;
}

bool known_event_type(const std::string& type) {
  for (const auto& known : closient::domain_event_types()) {
    if (type == known.name) return true;
  }
  return false;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) parts.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return parts;
}

std::optional<EventQuery> parse_query(const Args& args, UsageError* error) {
  EventQuery query;
  for (const auto& text : args.values("--org")) {
    auto id = parse_entity_id("--org", text, error);
    if (!id) return std::nullopt;
    query.streams.push_back({closient::org_stream(*id), false});
  }
  for (const auto& text : args.values("--user")) {
    auto id = parse_entity_id("--user", text, error);
    if (!id) return std::nullopt;
    query.streams.push_back({closient::user_stream(*id), false});
  }
  for (const auto& text : args.values("--stream")) {
    if (text.empty()) {
      *error = UsageError{"--stream needs a stream name"};
      return std::nullopt;
    }
    const bool prefix = text.back() == '*';
    query.streams.push_back({prefix ? text.substr(0, text.size() - 1) : text, prefix});
  }
  for (const auto& text : args.values("--type")) {
    for (const auto& type : split_commas(text)) {
      if (!known_event_type(type)) {
        *error = UsageError{"unknown event type '" + type + "'"};
        return std::nullopt;
      }
      query.filter.types.push_back(type);
    }
  }
  if (auto actor = args.value("--actor")) query.filter.actor_id = *actor;
  if (auto after = args.value("--after")) {
    auto position = parse_integer("--after", *after, 0, INT64_MAX, error);
    if (!position) return std::nullopt;
    query.filter.after_position = static_cast<uint64_t>(*position);
  }
  if (auto since = args.value("--since")) {
    query.filter.since_ms = parse_time_flag("--since", *since, error);
    if (!query.filter.since_ms) return std::nullopt;
  }
  if (auto until = args.value("--until")) {
    query.filter.until_ms = parse_time_flag("--until", *until, error);
    if (!query.filter.until_ms) return std::nullopt;
  }
  if (auto limit = args.value("--limit")) {
    auto parsed = parse_integer("--limit", *limit, 1, INT64_MAX, error);
    if (!parsed) return std::nullopt;
    query.limit = static_cast<size_t>(*parsed);
  }
  query.follow = args.has("--follow");
  // A single exact stream narrows the scan itself; several are matched here.
  if (query.streams.size() == 1) query.filter.stream_prefix = query.streams[0].name;
  return query;
}

bool stream_matches(const EventQuery& query, const std::string& stream) {
  if (query.streams.empty()) return true;
  for (const auto& match : query.streams) {
    if (match.prefix ? stream.compare(0, match.name.size(), match.name) == 0 : stream == match.name)
      return true;
  }
  return false;
}

std::string describe_actor(const closient::Actor& actor) {
  std::string text = actor.kind + " " + actor.id;
  if (!actor.user_id.empty() && actor.user_id != actor.id) text += " (user " + actor.user_id + ")";
  return text;
}

void print_event(const EventEnvelope& event, bool json) {
  if (json) {
    print_json_line(closient::envelope_to_json(event));
    return;
  }
  print_line(fmt::format(
      "{:>6}  {}  {:<20}  {} v{}  by {}  request {}  {}", event.position,
      closient::format_timestamp_ms(event.occurred_at_ms), event.type, event.stream, event.version,
      describe_actor(event.actor), event.request_id.empty() ? "-" : event.request_id,
      event.data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
}

// Prints the events after `*after` that the query selects, advancing `*after`
// past every event seen and `*printed` by those printed.
closient::Status print_events(EventStore& log, const EventQuery& query, bool json, uint64_t* after,
                              size_t* printed) {
  ReadFilter filter = query.filter;
  filter.after_position = *after;
  return log.scan(filter, [&](const EventEnvelope& event) {
    *after = event.position;
    if (!stream_matches(query, event.stream)) return true;
    print_event(event, json);
    ++*printed;
    return query.limit == 0 || *printed < query.limit;
  });
}

std::atomic<bool> g_stop{false};

extern "C" void request_stop(int) {
  g_stop = true;
}

void stop_on_termination_signals() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

// Sleeps for the poll interval, waking early when asked to stop.
void pause_unless_stopped() {
  const auto until = std::chrono::steady_clock::now() + kFollowPollInterval;
  while (!g_stop && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Tails the log until a signal arrives or the limit is reached. When catch_up()
// fails, the events need only the log, so opening a fresh secondary and going
// on from the same position is enough.
int follow(std::unique_ptr<EventStore> log, const std::string& dir, const EventQuery& query,
           bool json, uint64_t after, size_t printed) {
  while (!g_stop && (query.limit == 0 || printed < query.limit)) {
    pause_unless_stopped();
    if (g_stop) break;
    closient::Status caught_up = log->catch_up();
    if (!caught_up.ok()) {
      log.reset();
      auto reopened = open_for_reading(dir);
      if (!reopened.ok()) return fail(reopened.error());
      log = std::move(reopened).value();
    }
    closient::Status status = print_events(*log, query, json, &after, &printed);
    if (!status.ok()) return fail(status.error());
  }
  return kExitOk;
}

}  // namespace

int run_events(const Context& context, const Args& args) {
  UsageError usage;
  std::optional<EventQuery> query = parse_query(args, &usage);
  if (!query) return fail_usage("events", usage.message);

  // Before the history, so that an interrupt while it prints still ends cleanly.
  if (query->follow) stop_on_termination_signals();
  auto log = open_for_reading(context.store);
  if (!log.ok()) return fail(log.error());

  uint64_t after = query->filter.after_position;
  size_t printed = 0;
  closient::Status status = print_events(**log, *query, context.json, &after, &printed);
  if (!status.ok()) return fail(status.error());
  std::fflush(stdout);
  if (!query->follow) return kExitOk;
  return follow(std::move(log).value(), context.store, *query, context.json, after, printed);
}

}  // namespace accountctl
