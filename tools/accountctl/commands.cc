// The table of commands: names, help texts and the flags each accepts.
#include "tools/accountctl/cli.h"

namespace accountctl {
namespace {

constexpr char kBootstrapHelp[] =
    "usage: accountctl bootstrap --email EMAIL [--name NAME] --org NAME --country CC\n"
    "\n"
    "Creates a user, an organization with that user as its owner, and a csu API key\n"
    "with role manager for the user (it carries the user's full authority). Prints the\n"
    "key once; it is stored only hashed. Refuses when a user with that email exists.\n"
    "\n"
    "  --email EMAIL   the user's email (stored lower-cased)\n"
    "  --name NAME     the user's name (default: none)\n"
    "  --org NAME      the organization's name (1-255 characters)\n"
    "  --country CC    the organization's ISO 3166-1 alpha-2 country code, e.g. DE\n"
    "\n"
    "Output (--json): {\"user_id\", \"organization_id\", \"member_id\", \"api_key\"}\n"
    "A write command: refuses while accountd holds the data directory.\n";

constexpr char kTokenIssueHelp[] =
    "usage: accountctl token issue --email EMAIL [--ttl SECONDS]\n"
    "\n"
    "Issues a bearer token for the user (Authorization: Bearer TOKEN). The token is\n"
    "printed once and stored only hashed.\n"
    "\n"
    "  --email EMAIL    the user\n"
    "  --ttl SECONDS    lifetime (default 86400, one day; at most 31536000)\n"
    "\n"
    "Output (--json): {\"id\", \"token\", \"expires_at\"}\n"
    "A write command: refuses while accountd holds the data directory.\n";

constexpr char kTokenRevokeHelp[] =
    "usage: accountctl token revoke --email EMAIL (--id TOKEN_ID | --token TOKEN)\n"
    "\n"
    "Revokes one of the user's bearer tokens, named by its id (as token issue printed\n"
    "it, or as events show it) or by the raw token itself.\n"
    "\n"
    "Output (--json): {\"id\", \"revoked\": true}\n"
    "A write command: refuses while accountd holds the data directory.\n";

constexpr char kSessionIssueHelp[] =
    "usage: accountctl session issue --email EMAIL [--ttl SECONDS] [--authenticated-ago SECONDS]\n"
    "\n"
    "Issues a browser session for the user (cookie sessionid=SESSIONID; state-changing\n"
    "requests also send X-CSRF-Token). Both values are printed once and stored hashed.\n"
    "\n"
    "  --email EMAIL                the user\n"
    "  --ttl SECONDS                lifetime (default 1209600, two weeks; at most 31536000)\n"
    "  --authenticated-ago SECONDS  when the user last authenticated, in seconds before\n"
    "                               now (default 0); more than 900 makes the session too\n"
    "                               stale to delete an organization that requires\n"
    "                               re-authentication\n"
    "\n"
    "Output (--json): {\"id\", \"sessionid\", \"csrf_token\", \"expires_at\"}\n"
    "A write command: refuses while accountd holds the data directory.\n";

constexpr char kSessionRevokeHelp[] =
    "usage: accountctl session revoke --email EMAIL (--id SESSION_ID | --sessionid VALUE)\n"
    "\n"
    "Revokes one of the user's sessions, named by its id or by the cookie value.\n"
    "\n"
    "Output (--json): {\"id\", \"revoked\": true}\n"
    "A write command: refuses while accountd holds the data directory.\n";

constexpr char kPreferencesSetHelp[] =
    "usage: accountctl preferences set --email EMAIL --file PREFS.json\n"
    "\n"
    "Replaces the user's trait preferences with the list in the file (use - for stdin):\n"
    "  [{\"trait\": \"tree_nuts\", \"category\": \"ALLERGEN\", \"stance\": \"AVOID\"}, ...]\n"
    "Each item: trait (lower_snake slug, once per list), optional trait_label, category\n"
    "(ALLERGEN|DIETARY|RELIGIOUS|SOURCING|OTHER), stance (AVOID|REQUIRE|PREFER|NEUTRAL);\n"
    "at most 200 items. The change is made through a short-lived bearer token issued\n"
    "to the user and revoked at once, so the user's own stream records it.\n"
    "\n"
    "Output (--json): the stored list\n"
    "A write command: refuses while accountd holds the data directory.\n";

constexpr char kKeyLimitsHelp[] =
    "usage: accountctl key limits KEY_ID [--per-minute N] [--per-day N]\n"
    "\n"
    "Sets the rate limits of one live API key (org or user key), above what the API\n"
    "lets a caller set for itself (at most 1000000 a minute and 100000000 a day).\n"
    "0 means the service's default. A limit not given keeps its current value.\n"
    "The change is an event with the operator as its actor; authentication uses the\n"
    "new limits from the next request on.\n"
    "\n"
    "  KEY_ID          the key's id (shortuuid or UUID), as lists and events show it\n"
    "  --per-minute N  requests per minute (0 to 1000000000000)\n"
    "  --per-day N     requests per day (0 to 1000000000000)\n"
    "\n"
    "Output (--json): {\"id\", \"rate_limit_per_minute\", \"rate_limit_per_day\", \"changed\"}\n"
    "A write command: refuses while accountd holds the data directory.\n";

constexpr char kEventsHelp[] =
    "usage: accountctl events [--org ID] [--user ID] [--stream S] [--type T] [--actor ID]\n"
    "                         [--after POS] [--since TIME] [--until TIME] [--limit N]\n"
    "                         [--follow]\n"
    "\n"
    "The event history, oldest first: position, time, type, stream and version, actor,\n"
    "request id and data. With --json, one JSON object per line (JSON Lines), each the\n"
    "stored envelope including its hash chain fields.\n"
    "\n"
    "  --org ID        events of the organization's stream (shortuuid or UUID)\n"
    "  --user ID       events of the user's stream\n"
    "  --stream S      events of stream S; S ending in * is a prefix (org-*)\n"
    "                  (--org, --user and --stream may repeat: any of them matches)\n"
    "  --type T        events of type T (repeatable, or comma-separated)\n"
    "  --actor ID      events whose actor id or actor user id is ID\n"
    "  --after POS     events after position POS\n"
    "  --since TIME    events that occurred at or after TIME (RFC 3339)\n"
    "  --until TIME    events that occurred at or before TIME (RFC 3339)\n"
    "  --limit N       at most N events\n"
    "  --follow        after the history, keep printing new events as the server appends\n"
    "                  them, until interrupted (SIGINT or SIGTERM; exit 0)\n"
    "\n"
    "A read command: works while accountd runs.\n";

constexpr char kAsOfHelp[] =
    "usage: accountctl as-of --org ID (--position P | --time TIME)\n"
    "\n"
    "The organization, its members (join order) and its API keys as they stood after\n"
    "every event of its stream at or before position P, or that occurred at or before\n"
    "TIME (RFC 3339). Replays the organization's stream; the read models are not used.\n"
    "\n"
    "Output (--json): {\"as_of\": {\"position\", \"time\" (the one asked for; the other\n"
    "                  null), \"version\", \"last_event_position\", \"last_event_time\"},\n"
    "                  \"organization\", \"deleted_at\", \"members\": [...], \"api_keys\": [...]}\n"
    "A read command: works while accountd runs.\n";

constexpr char kVerifyHelp[] =
    "usage: accountctl verify\n"
    "\n"
    "Checks, and prints, each of:\n"
    "  hash chain       every event's hash covers its contents and the previous hash;\n"
    "                   positions gapless from 1; meta's last position and hash agree\n"
    "  stream versions  every stream's versions run 1..n without gaps, and the stream\n"
    "                   index points at exactly those events\n"
    "  event data       every event's data decodes with its type's codec\n"
    "  serving state    the state accountd would start from (the newest valid snapshot\n"
    "                   plus the log after it) equals a full replay of the log, field by\n"
    "                   field; a snapshot that fails its checks is reported\n"
    "Reports the first problem of each check. Exit 0 when all pass, 3 when one fails.\n"
    "\n"
    "A read command: works while accountd runs (it never writes to the directory).\n";

constexpr char kMigrateHelp[] =
    "usage: accountctl migrate --from WHERE --to WHERE\n"
    "\n"
    "Copies the event log and its side data (last_used of keys, idempotency answers)\n"
    "from one store to another: a data directory (RocksDB) into an empty PostgreSQL\n"
    "database (postgresql://USER@HOST/DB), or back. Every event is checked against\n"
    "its hash and the chain before it, appended again, and must get the same position\n"
    "and hash; the copy is verified at the end. The destination must hold no events\n"
    "(a missing directory is created; an empty database gets the schema).\n"
    "\n"
    "The source may be in use (it is only read); stop the servers first so that the\n"
    "copy is complete. Snapshots are not copied: the first start replays the log.\n"
    "\n"
    "Output (--json): {\"from\", \"to\", \"events\", \"last_hash\", \"side_entries\"}\n";

constexpr char kRebuildHelp[] =
    "usage: accountctl rebuild\n"
    "\n"
    "Replays the whole log into a fresh serving state and writes it as a snapshot\n"
    "(DATA/snapshots/), which the next start of accountd loads; on a PostgreSQL store\n"
    "also to the table of snapshots the nodes share. On a terminal a line shows\n"
    "progress: events done, rate and time left.\n"
    "\n"
    "A write command: refuses while accountd holds the data directory.\n";

constexpr char kBackupHelp[] =
    "usage: accountctl backup DEST\n"
    "\n"
    "Copies the data directory to DEST (which must not exist, or be empty): the event\n"
    "log, its indexes, meta and the side spaces, all as of one moment, into a new\n"
    "RocksDB database that is itself a complete data directory (snapshots are not\n"
    "copied: a server started on it rebuilds its state from the log).\n"
    "Also writes DEST/BACKUP.json with the last position and hash it holds.\n"
    "\n"
    "A read command: works while accountd runs (the copy is read through a secondary\n"
    "instance, whose view stays fixed while it copies).\n";

constexpr char kRestoreHelp[] =
    "usage: accountctl restore SRC --data DIR\n"
    "\n"
    "Restores a backup made by accountctl backup into DIR, which must not exist or be\n"
    "empty, then verifies the hash chain of the result and that it ends where the\n"
    "backup said. The copy is made beside DIR and renamed into place when complete.\n";

constexpr char kStatsHelp[] =
    "usage: accountctl stats\n"
    "\n"
    "Counts from the log: events, streams, organizations (live and deleted), users,\n"
    "active members, live API keys (org and user), live tokens and sessions; the\n"
    "size of the data directory on disk; and the positions the projections reflect\n"
    "(the snapshots in DATA/snapshots/ and, on a PostgreSQL store, the shared ones).\n"
    "\n"
    "A read command: works while accountd runs.\n";

}  // namespace

const std::vector<Command>& all_commands() {
  static const std::vector<Command> commands = {
      {"bootstrap",
       "create a user, their organization and a manager csu key",
       kBootstrapHelp,
       {{"--email"}, {"--name"}, {"--org"}, {"--country"}},
       0,
       run_bootstrap},
      {"token issue",
       "issue a bearer token for a user",
       kTokenIssueHelp,
       {{"--email"}, {"--ttl"}},
       0,
       run_token_issue},
      {"token revoke",
       "revoke a bearer token",
       kTokenRevokeHelp,
       {{"--email"}, {"--id"}, {"--token"}},
       0,
       run_token_revoke},
      {"session issue",
       "issue a browser session for a user",
       kSessionIssueHelp,
       {{"--email"}, {"--ttl"}, {"--authenticated-ago"}},
       0,
       run_session_issue},
      {"session revoke",
       "revoke a browser session",
       kSessionRevokeHelp,
       {{"--email"}, {"--id"}, {"--sessionid"}},
       0,
       run_session_revoke},
      {"preferences set",
       "replace a user's trait preferences",
       kPreferencesSetHelp,
       {{"--email"}, {"--file"}},
       0,
       run_preferences_set},
      {"key limits",
       "set an API key's rate limits, beyond what the API allows",
       kKeyLimitsHelp,
       {{"--per-minute"}, {"--per-day"}},
       1,
       run_key_limits},
      {"events",
       "print the event history, or follow it",
       kEventsHelp,
       {{"--org", true, true},
        {"--user", true, true},
        {"--stream", true, true},
        {"--type", true, true},
        {"--actor"},
        {"--after"},
        {"--since"},
        {"--until"},
        {"--limit"},
        {"--follow", false, false}},
       0,
       run_events},
      {"as-of",
       "an organization and its members as they stood then",
       kAsOfHelp,
       {{"--org"}, {"--position"}, {"--time"}},
       0,
       run_as_of},
      {"verify",
       "check the hash chain, stream versions and the serving state",
       kVerifyHelp,
       {},
       0,
       run_verify},
      {"migrate",
       "copy the log between a data directory and PostgreSQL",
       kMigrateHelp,
       {{"--from", true, false}, {"--to", true, false}},
       0,
       run_migrate},
      {"rebuild",
       "replay the log into a fresh serving state and snapshot it",
       kRebuildHelp,
       {},
       0,
       run_rebuild},
      {"backup",
       "copy the data directory, consistently, while it is in use",
       kBackupHelp,
       {},
       1,
       run_backup},
      {"restore", "restore a backup into a new data directory", kRestoreHelp, {}, 1, run_restore},
      {"stats", "counts, size on disk and projection positions", kStatsHelp, {}, 0, run_stats},
  };
  return commands;
}

}  // namespace accountctl
