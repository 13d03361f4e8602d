-- 0002: a selector decision (cpu, platform, service, role) applies only to hosts whose machine verdict needs action
-- (affected, needs_confirmation, unknown) unless it was recorded with --all-verdicts (1). Older decisions get 0: the
-- behaviour a decision "for every host of role Shop:web" should have had (it must not flip a cloud instance or an
-- out-of-scope host to "fixed").
ALTER TABLE decisions ADD COLUMN all_verdicts INTEGER NOT NULL DEFAULT 0 CHECK (all_verdicts IN (0, 1));

-- What decision selectors look at on each host of a saved run (id, name, roles, platform, CPU names, as JSON), so
-- `decide` can show which hosts a selector hits in the last saved run. NULL for runs saved before.
ALTER TABLE run_findings ADD COLUMN target TEXT;
