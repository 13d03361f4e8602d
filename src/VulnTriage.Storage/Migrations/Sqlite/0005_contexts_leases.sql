-- 0005: saved findings keep their host's context (status, roles, processors, cloud, environment, CVEs, next action), so
-- `vulntriage serve` renders a saved run as the report did; runs keep the service → team map; a lease row lets one
-- server at a time run the scheduled triage.
-- Hosts alike (same hardware, roles and status) share one context row per run, as evidence does.
CREATE TABLE run_contexts (
    run_seq INTEGER NOT NULL REFERENCES runs (seq),
    id      INTEGER NOT NULL,
    context TEXT    NOT NULL,
    PRIMARY KEY (run_seq, id)
) WITHOUT ROWID;
ALTER TABLE run_findings ADD COLUMN context_id INTEGER;
ALTER TABLE runs ADD COLUMN teams TEXT;

-- A named lease: who holds it and until when. Taken and renewed in one BEGIN IMMEDIATE transaction.
CREATE TABLE leases (
    name       TEXT NOT NULL PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
