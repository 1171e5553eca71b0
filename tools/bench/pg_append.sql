-- pgbench script of the write baseline: one event per transaction, appended at
-- the next version of the client's own stream (so clients never conflict, as
-- accountd's invites into one organization do not either: its writer orders
-- them). The data is about the size of an invite's.
INSERT INTO events (stream, version, type, data)
SELECT 'bench-' || :client_id, coalesce(max(version), 0) + 1, 'MemberInvited',
       jsonb_build_object('member_id', md5(random()::text),
                          'email', 'b' || :client_id || '-' || md5(random()::text) || '@bench.example',
                          'role', 'editor', 'added_by', md5(random()::text))
FROM events WHERE stream = 'bench-' || :client_id;
