-- 0005: saved findings keep their host's context; runs keep the service → team map; the scheduled-triage lease.
-- Twin of Migrations/Sqlite/0005_contexts_leases.sql.
CREATE TABLE run_contexts (
    run_seq bigint  NOT NULL REFERENCES runs (seq),
    id      integer NOT NULL,
    context text    NOT NULL,
    PRIMARY KEY (run_seq, id)
);
ALTER TABLE run_findings ADD COLUMN context_id integer;
ALTER TABLE runs ADD COLUMN teams text;

-- A named lease: who holds it and until when. Taken with INSERT … ON CONFLICT … WHERE expired (one statement, atomic).
CREATE TABLE leases (
    name       text        NOT NULL PRIMARY KEY,
    holder     text        NOT NULL,
    expires_at timestamptz NOT NULL
);
